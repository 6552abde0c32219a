package org.iosup.schema;

import java.util.Locale;

/** The value types a field of a schema in {@code schemas/} may have. */
public enum FieldType {
    INT32, INT64, DOUBLE, STRING, BOOLEAN, ENUM;

    static FieldType parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public boolean isInteger() {
        return this == INT32 || this == INT64;
    }
}
