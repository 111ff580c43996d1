/**
 * Reading a multipart/form-data body: one file in a named field, of at most `maxFileBytes`, and
 * a few short text fields. A body cut off half way, a second file, a file in another field or
 * one over the limit is a 4xx; nothing of a refused file is kept in memory.
 */
import type { Request } from 'express';
import busboy from 'busboy';
import { ApiError, badRequest } from '../errors.js';
import { text, type Text } from '../i18n/catalogue.js';

export interface Upload {
  fields: Record<string, string>;
  file?: { name: string; bytes: Buffer; mimeType: string };
}

export interface UploadOptions {
  /** The form field that carries the file. */
  fileField: string;
  maxFileBytes: number;
  /** What a second file is told (e.g. "Send one file per import"). */
  oneFile?: Text;
}

export function readUpload(req: Request, options: UploadOptions): Promise<Upload> {
  const { fileField, maxFileBytes } = options;
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes, files: 1, fields: 20, fieldSize: 10_000, parts: 30 } });
    } catch (error) {
      reject(badRequest('invalid_multipart', text('invalid_multipart', { detail: (error as Error).message })));
      return;
    }
    const upload: Upload = { fields: {} };
    let failure: ApiError | undefined;
    parser.on('field', (name, value) => {
      upload.fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== fileField) {
        failure ??= badRequest('unexpected_file', text('unexpected_file', { field: fileField, name }));
        stream.on('error', () => undefined); // the request is refused already; a cut-off body changes nothing
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      // A body cut off inside the file (or any other part error) destroys this stream with an
      // error; without a listener that error would be uncaught and take the process down.
      stream.on('error', (error: Error) => {
        failure ??= badRequest('invalid_multipart', text('invalid_multipart', { detail: error.message }));
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure ??= new ApiError(413, 'payload_too_large', text('payload_too_large.file', { limit: maxFileBytes }), { limit: maxFileBytes });
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!failure) upload.file = { name: info.filename ?? 'upload', bytes: Buffer.concat(chunks), mimeType: info.mimeType };
      });
    });
    parser.on('filesLimit', () => {
      failure ??= badRequest('too_many_files', options.oneFile ?? text('too_many_files.field', { field: fileField }));
    });
    parser.on('error', (error: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(badRequest('invalid_multipart', text('invalid_multipart', { detail: error.message })));
    });
    parser.on('close', () => (failure ? reject(failure) : resolve(upload)));
    req.pipe(parser);
  });
}
