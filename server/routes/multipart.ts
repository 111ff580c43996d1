/**
 * Reading a multipart/form-data body: one file in a named field, of at most `maxFileBytes`, and
 * a few short text fields. A body cut off half way, a second file, a file in another field or
 * one over the limit is a 4xx; nothing of a refused file is kept in memory.
 */
import type { Request } from 'express';
import busboy from 'busboy';
import { ApiError, badRequest, type Message } from '../errors.js';

export interface Upload {
  fields: Record<string, string>;
  file?: { name: string; bytes: Buffer; mimeType: string };
}

export interface UploadOptions {
  /** The form field that carries the file. */
  fileField: string;
  maxFileBytes: number;
  /** What a second file is told (e.g. "Send one file per import"). */
  oneFile?: Message;
}

export function readUpload(req: Request, options: UploadOptions): Promise<Upload> {
  const { fileField, maxFileBytes } = options;
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes, files: 1, fields: 20, fieldSize: 10_000, parts: 30 } });
    } catch (error) {
      reject(badRequest('invalid_multipart', `The multipart body cannot be read: ${(error as Error).message}`));
      return;
    }
    const upload: Upload = { fields: {} };
    let failure: ApiError | undefined;
    parser.on('field', (name, value) => {
      upload.fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== fileField) {
        failure ??= badRequest('unexpected_file', `Send the file in the form field "${fileField}", not "${name}"`);
        stream.on('error', () => undefined); // the request is refused already; a cut-off body changes nothing
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      // A body cut off inside the file (or any other part error) destroys this stream with an
      // error; without a listener that error would be uncaught and take the process down.
      stream.on('error', (error: Error) => {
        failure ??= badRequest('invalid_multipart', `The multipart body cannot be read: ${error.message}`);
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failure ??= new ApiError(413, 'payload_too_large', `The file exceeds the limit of ${maxFileBytes} bytes`, { limit: maxFileBytes });
        chunks.length = 0;
      });
      stream.on('end', () => {
        if (!failure) upload.file = { name: info.filename ?? 'upload', bytes: Buffer.concat(chunks), mimeType: info.mimeType };
      });
    });
    parser.on('filesLimit', () => {
      failure ??= badRequest('too_many_files', options.oneFile ?? `Send one file, in the form field "${fileField}"`);
    });
    parser.on('error', (error: Error) => {
      req.unpipe(parser);
      req.resume();
      reject(badRequest('invalid_multipart', `The multipart body cannot be read: ${error.message}`));
    });
    parser.on('close', () => (failure ? reject(failure) : resolve(upload)));
    req.pipe(parser);
  });
}
