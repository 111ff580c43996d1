/**
 * Where things sit in the region tree, for scope checks: the code a key's scope prefix is
 * matched against. '' places a thing nowhere, which only a key of the whole tree covers.
 */

/** An incident: its grid, or — when it has none — the region handling it. */
export function incidentPlace(incident: { gridCode: string | null; handlingRegion: string | null }): string {
  return incident.gridCode ?? incident.handlingRegion ?? '';
}

/** A device: the live grid at its position, else the region of its GB/T 28181 center code. */
export function devicePlace(gridCode: string | null, centerRegion: string | null): string {
  return gridCode ?? centerRegion ?? '';
}
