package org.iosup.schema;

/**
 * One field (column) of a schema in {@code schemas/}: its name, type and constraints.
 *
 * @param name        column name in CSV headers and Parquet files
 * @param type        value type
 * @param required    whether every row must have a value
 * @param min         smallest allowed value for integer types
 * @param max         largest allowed value for integer types
 * @param enumName    name of the enum in the schema's {@code enums} for {@link FieldType#ENUM}
 * @param dictionary  whether Parquet dictionary-encodes the column (low cardinality)
 * @param maxLength   longest allowed string, or {@code Integer.MAX_VALUE}
 * @param unit        unit of the values, or empty
 * @param gauge       for per-minute tables: a level at the end of the minute ({@code "kind": "gauge"}),
 *                    not a count within it
 * @param description what the field means
 */
public record FieldSpec(String name, FieldType type, boolean required, long min, long max,
                        String enumName, boolean dictionary, int maxLength, String unit, boolean gauge,
                        String description) {

    /** Whether an integer value lies within [min, max]. */
    public boolean inRange(long value) {
        return value >= min && value <= max;
    }

    /** The allowed range as text, for error messages. */
    public String rangeText() {
        return max == Long.MAX_VALUE ? min + " or more" : min + ".." + max;
    }
}
