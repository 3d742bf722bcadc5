package dev.cairn.geo.format;

/**
 * One attribute of a layer.
 *
 * @param name      the field name as the source spells it
 * @param type      the mapped type
 * @param width     declared width (characters for strings, digits for numbers), 0 when unknown
 * @param precision declared decimals, 0 when unknown
 */
public record FieldDef(String name, FieldType type, int width, int precision) {
    public static FieldDef of(String name, FieldType type) {
        return new FieldDef(name, type, 0, 0);
    }
}
