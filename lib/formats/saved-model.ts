// TensorFlow SavedModels are not read: a folder holding saved_model.pb (or that file itself) is
// refused naming the conversions that give a file the package runs.
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UnsupportedError } from '../errors';

const SAVED_MODEL_FILES = ['saved_model.pb', 'saved_model.pbtxt'];

function refusal(where: string): UnsupportedError {
  return new UnsupportedError(`${where}: a TensorFlow SavedModel, which is not read. Save the Keras model as .keras or .h5 `
    + '(model.save("model.keras")), or convert it to a TF.js Layers model: tensorflowjs_converter --input_format=keras_saved_model '
    + '--output_format=tfjs_layers_model <saved_model_dir> <out_dir>, then load out_dir/model.json', { base: 'Error' });
}

/** Refuses a path named like a SavedModel's protobuf. */
export function refuseSavedModelFile(file: string): void {
  if (SAVED_MODEL_FILES.includes(path.basename(file).toLowerCase())) throw refusal(file);
}

/** Refuses a directory holding a SavedModel (looked up inside that directory only). */
export async function refuseSavedModelFolder(directory: string): Promise<void> {
  for (const name of SAVED_MODEL_FILES) {
    const found = await stat(path.join(directory, name)).then((s) => s.isFile(), () => false);
    if (found) throw refusal(directory);
  }
}
