package dev.cairn.geo.shp;

import dev.cairn.geo.format.FieldDef;
import dev.cairn.geo.format.FieldType;

/**
 * One dBase field descriptor.
 *
 * @param name     the name as stored (at most 10 bytes)
 * @param type     the dBase type letter: C, N, F, L, D (others are read as text)
 * @param length   the width in bytes
 * @param decimals digits after the point for N and F
 * @param offset   the field's byte offset in a record, after the deletion flag
 */
record DbfField(String name, char type, int length, int decimals, int offset) {

    /**
     * The cairn type, with GDAL's rules: N or F without decimals is INTEGER up to 9 digits,
     * LONG up to 18, DOUBLE beyond; with decimals DOUBLE; L BOOLEAN; D DATE; anything else STRING.
     */
    FieldType fieldType() {
        return switch (type) {
            case 'N', 'F' -> decimals > 0 ? FieldType.DOUBLE
                    : length < 10 ? FieldType.INTEGER : length <= 18 ? FieldType.LONG : FieldType.DOUBLE;
            case 'L' -> FieldType.BOOLEAN;
            case 'D' -> FieldType.DATE;
            default -> FieldType.STRING;
        };
    }

    FieldDef toFieldDef() {
        return new FieldDef(name, fieldType(), length, decimals);
    }
}
