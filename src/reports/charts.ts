import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import type { TopLevelSpec } from "vega-lite" with { "resolution-mode": "import" };

/*
 * Charts for emails, drawn on the server with no browser and no native module: Vega-Lite compiles a chart to a
 * Vega spec, Vega renders it headless to SVG, and resvg (WebAssembly) rasterises the SVG to PNG with a font shipped
 * in an npm package (DejaVu Sans), so the picture is the same on a laptop, in CI and in Azure. Outlook does not
 * show SVG in mail, so a PNG attached inline is what the Director sees.
 */

export type ChartSpec = TopLevelSpec;

/** The font every chart is drawn in: the one whose file is loaded below. */
export const CHART_FONT = "DejaVu Sans";

/**
 * Where a bundled deployment keeps the two files (beside main.js, under assets/), else the installed packages.
 * `require.resolve` is used only when the asset is not beside the bundle.
 */
function assetBytes(file: string, packagePath: string): Uint8Array {
  const beside = join(__dirname, "assets", file);
  return readFileSync(existsSync(beside) ? beside : require.resolve(packagePath));
}

let ready: Promise<{ font: Uint8Array }> | undefined;
function resvgReady(): Promise<{ font: Uint8Array }> {
  ready ??= (async () => {
    await initWasm(assetBytes("resvg.wasm", "@resvg/resvg-wasm/index_bg.wasm"));
    return { font: assetBytes("DejaVuSans.ttf", "dejavu-fonts-ttf/ttf/DejaVuSans.ttf") };
  })();
  // A failed start is not cached: the next chart tries again.
  ready.catch(() => (ready = undefined));
  return ready;
}

/**
 * Renders a Vega-Lite chart to SVG (headless Vega, no canvas). The chart's font is set to CHART_FONT.
 *
 * @example
 * await chartSvg({ data: { values: [{ week: "1 Sep", n: 3 }] }, mark: "bar", encoding: { x: { field: "week" }, y: { field: "n", type: "quantitative" } } })
 * // "<svg …><text …>1 Sep</text>…</svg>"
 */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  const vega = await import("vega");
  const vegaLite = await import("vega-lite");
  const withFont = { ...spec, config: { ...(spec.config ?? {}), font: CHART_FONT } } as ChartSpec;
  const view = new vega.View(vega.parse(vegaLite.compile(withFont).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a Vega-Lite chart to a PNG (white background, twice the chart's size so it is sharp on a laptop screen).
 *
 * @example
 * const png = await chartPng(placesSpec) // Buffer starting 89 50 4E 47 …
 */
export async function chartPng(spec: ChartSpec, scale = 2): Promise<Buffer> {
  const svg = await chartSvg(spec);
  const { font } = await resvgReady();
  const resvg = new Resvg(svg, {
    font: { fontBuffers: [font], defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT, loadSystemFonts: false },
    fitTo: { mode: "zoom", value: scale },
    background: "white",
  });
  try {
    const image = resvg.render();
    try {
      return Buffer.from(image.asPng());
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
