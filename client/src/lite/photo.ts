import { icon } from './icons.js';

/**
 * A photo from the phone's camera (<input type=file accept=image/* capture=environment>),
 * shrunk before it is sent: a 12-megapixel original of 4 MB becomes a JPEG of about 200 kB at
 * 1280 px, which a slow connection sends in seconds (and the server checks it as a snapshot).
 */
export interface ShrunkPhoto {
  blob: Blob;
  dataUrl: string;
  width: number;
  height: number;
}

export async function shrinkPhoto(file: File, maxSide = 1280, quality = 0.72): Promise<ShrunkPhoto> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' } as ImageBitmapOptions).catch(() => undefined);
  if (!bitmap) throw new Error('这张照片无法读取，请换一张（JPEG 或 PNG）');
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('照片压缩失败'))), 'image/jpeg', quality));
  const dataUrl = await new Promise<string>((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.readAsDataURL(blob);
  });
  return { blob, dataUrl, width, height };
}

/** A file input that opens the rear camera on a phone (and the file picker elsewhere). */
export function cameraInput(onPhoto: (photo: ShrunkPhoto | undefined, error?: string) => void): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'lite-photo';
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = 'image/*';
  input.setAttribute('capture', 'environment');
  const preview = document.createElement('img');
  preview.alt = '';
  preview.hidden = true;
  const caption = document.createElement('span');
  caption.textContent = '拍照';
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    caption.textContent = '处理中…';
    try {
      const photo = await shrinkPhoto(file);
      preview.src = photo.dataUrl;
      preview.hidden = false;
      caption.textContent = '重拍';
      onPhoto(photo);
    } catch (error) {
      caption.textContent = '拍照';
      onPhoto(undefined, (error as Error).message);
    }
  });
  label.append(input, icon('camera'), preview, caption);
  return label;
}
