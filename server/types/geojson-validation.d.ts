// geojson-validation ships no types; these are the calls gridgov makes.
declare module 'geojson-validation' {
  type Trace = string[];
  const gjv: {
    isPolygon(value: unknown, trace: true): Trace;
    isMultiPolygon(value: unknown, trace: true): Trace;
    isLineString(value: unknown, trace: true): Trace;
    isMultiLineString(value: unknown, trace: true): Trace;
    isFeature(value: unknown, trace: true): Trace;
    isFeatureCollection(value: unknown, trace: true): Trace;
    valid(value: unknown): boolean;
  };
  export default gjv;
}
