package org.iosup.trace.parquet;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.iosup.schema.FieldSpec;

import java.math.BigDecimal;

/**
 * How a file's column, with its Parquet physical and logical type, maps onto a field of the events
 * schema; for integers, how a stored value becomes the schema's value, exactly:
 *
 * <ul>
 *   <li>INT32 or INT64, plain or INT(8..64, signed): as stored;</li>
 *   <li>INT(8..32, unsigned) in INT32: the 32 bits as an unsigned number; UINT64 in INT64: as an
 *       unsigned 64-bit number (above 2^63 - 1 it is out of every column's range);</li>
 *   <li>TIMESTAMP(MILLIS | MICROS | NANOS) on a field whose unit is ns: multiplied to nanoseconds
 *       (an overflow is an error);</li>
 *   <li>DECIMAL(p, s) in INT32 or INT64: the unscaled value divided by 10^s, which must leave no
 *       fraction (10.000 is 10; 10.5 is an error).</li>
 * </ul>
 *
 * Any other type (DATE, TIME, INTERVAL, JSON, floating point, INT96, a decimal in bytes, ...) is
 * refused when the file is opened, naming the column and its type.
 */
final class StoredType {
    enum Kind { AS_STORED, UNSIGNED32, UNSIGNED64, MULTIPLY, DECIMAL }

    final Kind kind;
    /** For MULTIPLY the factor to nanoseconds, for DECIMAL 10^scale. */
    final long factor;
    final int scale;
    /** The type as the file states it, e.g. {@code INT64 TIMESTAMP(MICROS,true)}. */
    final String text;

    private StoredType(Kind kind, long factor, int scale, String text) {
        this.kind = kind;
        this.factor = factor;
        this.scale = scale;
        this.text = text;
    }

    boolean asStored() {
        return kind == Kind.AS_STORED;
    }

    /** The type of a file column, checked against its field; a one-line problem when it cannot be read. */
    static StoredType of(FieldSpec spec, Type t) throws Unreadable {
        if (!t.isPrimitive()) {
            throw new Unreadable(t.toString().trim().replaceAll("\\s+", " "), "a group, not a value");
        }
        if (t.isRepetition(Type.Repetition.REPEATED)) {
            throw new Unreadable(t.toString().trim(), "REPEATED: a list, not a value");
        }
        PrimitiveType p = t.asPrimitiveType();
        PrimitiveTypeName physical = p.getPrimitiveTypeName();
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        String text = physical + (logical == null ? "" : " " + logical);
        switch (spec.type()) {
            case INT32, INT64 -> {
                if (physical != PrimitiveTypeName.INT32 && physical != PrimitiveTypeName.INT64) {
                    throw new Unreadable(text);
                }
                return integer(spec, physical, logical, text);
            }
            case STRING, ENUM -> {
                if (physical != PrimitiveTypeName.BINARY || !(logical == null
                        || logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation)) {
                    throw new Unreadable(text);
                }
                return new StoredType(Kind.AS_STORED, 1, 0, text);
            }
            case BOOLEAN -> {
                if (physical != PrimitiveTypeName.BOOLEAN || logical != null) {
                    throw new Unreadable(text);
                }
                return new StoredType(Kind.AS_STORED, 1, 0, text);
            }
            default -> throw new Unreadable(text);
        }
    }

    private static StoredType integer(FieldSpec spec, PrimitiveTypeName physical, LogicalTypeAnnotation logical,
                                      String text) throws Unreadable {
        if (logical == null) {
            return new StoredType(Kind.AS_STORED, 1, 0, text);
        }
        if (logical instanceof IntLogicalTypeAnnotation i) {
            if (i.isSigned()) {
                return new StoredType(Kind.AS_STORED, 1, 0, text);
            }
            return new StoredType(physical == PrimitiveTypeName.INT32 ? Kind.UNSIGNED32 : Kind.UNSIGNED64, 1, 0, text);
        }
        if (logical instanceof TimestampLogicalTypeAnnotation ts) {
            if (!"ns".equals(spec.unit())) {
                throw new Unreadable(text, "a timestamp, but the field is not a time");
            }
            long factor = switch (ts.getUnit()) {
                case MILLIS -> 1_000_000L;
                case MICROS -> 1_000L;
                case NANOS -> 1L;
            };
            return new StoredType(factor == 1 ? Kind.AS_STORED : Kind.MULTIPLY, factor, 0, text);
        }
        if (logical instanceof DecimalLogicalTypeAnnotation d) {
            int scale = d.getScale();
            if (scale < 0 || scale > 18) {
                throw new Unreadable(text, "a decimal of scale " + scale);
            }
            return scale == 0 ? new StoredType(Kind.AS_STORED, 1, 0, text)
                    : new StoredType(Kind.DECIMAL, BigDecimal.TEN.pow(scale).longValueExact(), scale, text);
        }
        throw new Unreadable(text);
    }

    /**
     * The schema's value of a stored value, or a {@link Inexact} problem. {@code raw} is the stored
     * value as read (an INT32 sign-extended).
     */
    long convert(long raw) throws Inexact {
        return switch (kind) {
            case AS_STORED -> raw;
            case UNSIGNED32 -> raw & 0xffffffffL;
            case UNSIGNED64 -> {
                if (raw < 0) {
                    throw new Inexact(Long.toUnsignedString(raw), "beyond the range of 64-bit signed integers");
                }
                yield raw;
            }
            case MULTIPLY -> {
                try {
                    yield Math.multiplyExact(raw, factor);
                } catch (ArithmeticException e) {
                    throw new Inexact(raw + " (" + text + ")", "beyond the range of nanoseconds in 64 bits");
                }
            }
            case DECIMAL -> {
                if (raw % factor != 0) {
                    throw new Inexact(BigDecimal.valueOf(raw, scale).toPlainString() + " (" + text + ")",
                            "not an integer");
                }
                yield raw / factor;
            }
        };
    }

    /** A stored type the schema's field cannot take: the type as the file states it, and why (or null). */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;
        final String type;

        Unreadable(String type) {
            this(type, null);
        }

        Unreadable(String type, String why) {
            super(why);
            this.type = type;
        }
    }

    /** A stored value with no exact value in the field: the value as stored, and the problem. */
    static final class Inexact extends Exception {
        private static final long serialVersionUID = 1L;
        final String value;

        Inexact(String value, String problem) {
            super(problem);
            this.value = value;
        }
    }
}
