package dev.cairn.geo.geojson;

import dev.cairn.geo.format.LayerDef;

/**
 * What the schema pass learned about a file: the layer, and how feature ids map to fids.
 *
 * @param layer       the inferred layer definition
 * @param idsAreFids  every feature has an integer {@code "id"} and they strictly increase, so they
 *                    are unique and serve as fids; otherwise the fid is the 0-based position
 * @param idField     index in {@code layer.fields()} of the synthetic {@code "id"} field that keeps
 *                    ids which cannot be fids (strings, or integers out of order), or -1
 * @param index       where features start in the file, for cursors that begin mid-file; null when
 *                    the file has no features, is not UTF-8 (Jackson reports no byte offsets for
 *                    other encodings) or spreads its features over several {@code "features"}
 *                    members: such cursors then skip from the start
 */
record Schema(LayerDef layer, boolean idsAreFids, int idField, FeatureIndex index) {
}
