// The arguments of ops that walk an output shape through strided operands (numpy broadcasting,
// batched MatMul): the shape, and each operand with its strides, checked so that no stride can
// reach past the operand's memory.
#pragma once

#include <napi.h>

#include <cstddef>
#include <initializer_list>

#include "../kernel/ops/strided_loop.h"
#include "js_args.h"

namespace vrnn_binding {

// An array of at most kMaxRank dimensions into dims; returns the rank.
int ShapeArg(const Napi::Value& value, const char* name, std::size_t* dims);

// `rank` non-negative element strides into `strides`; returns the elements an operand read through
// them must hold: one past the farthest position they reach, plus block - 1 (each position starts
// a block of `block` elements). 0 when the shape (or the block) is empty and nothing is read.
std::size_t StridesArg(const Napi::Value& value, const char* name, int rank, const std::size_t* dims,
                       std::ptrdiff_t* strides, std::size_t block);

// The typed array `name`, read as operand k of `loop` through the strides `strides_name`; it must
// hold exactly the elements those reach (any number when nothing is read).
template <std::size_t N>
TypedArrayView StridedArg(const Napi::Object& call, const char* name, const char* strides_name,
                          vrnn::StridedLoop<N>* loop, std::size_t k, std::size_t block,
                          std::initializer_list<napi_typedarray_type> types, const char* expected) {
  const std::size_t reach =
      StridesArg(call.Get(strides_name), strides_name, loop->rank, loop->dims, loop->strides[k], block);
  const TypedArrayView view = TypedArrayOf(call.Get(name), name, types, expected);
  if (reach > 0) CheckLength(call.Env(), view, name, reach);
  return view;
}

}  // namespace vrnn_binding
