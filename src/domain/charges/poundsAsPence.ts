/**
 * An amount in pounds as the lists and the form hold it (a PO's value, its SEND top-up), in whole pence as the
 * charges count; undefined stays undefined (not given).
 *
 * @example
 * poundsAsPence(6000.5) // 600_050
 * poundsAsPence(undefined) // undefined
 */
export function poundsAsPence(pounds: number | undefined): number | undefined {
  return pounds === undefined ? undefined : Math.round(pounds * 100);
}
