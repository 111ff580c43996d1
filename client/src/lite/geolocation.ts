/** The phone's position (WGS84, as browsers give it), with a clear Chinese reason when there is none. */
export function currentPosition(timeoutMs = 15_000): Promise<GeolocationPosition> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) {
      reject(new Error('此浏览器无法定位'));
      return;
    }
    navigator.geolocation.getCurrentPosition(resolve, (error) => reject(new Error(positionError(error))), { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 });
  });
}

export function positionError(error: GeolocationPositionError): string {
  if (error.code === error.PERMISSION_DENIED) return '未获得定位权限：请在浏览器设置中允许定位';
  if (error.code === error.TIMEOUT) return '定位超时：请到开阔处重试';
  return '无法定位：请检查手机定位是否开启';
}
