package org.iosup.trace.parquet;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.iosup.schema.FieldSpec;
import org.iosup.trace.EventSchema;

/**
 * The Parquet form of the event schema, derived from {@code schemas/events.schema.json}:
 * integers as INT32/INT64, enums and strings as UTF-8 BINARY annotated STRING (so DuckDB, Spark
 * and pandas read them as strings), booleans as BOOLEAN; required fields REQUIRED, others
 * OPTIONAL.
 */
public final class ParquetEventSchema {
    private static final MessageType MESSAGE = build();

    private ParquetEventSchema() {
    }

    public static MessageType message() {
        return MESSAGE;
    }

    private static MessageType build() {
        Types.MessageTypeBuilder b = Types.buildMessage();
        for (FieldSpec f : EventSchema.get().table().fields()) {
            Type.Repetition rep = f.required() ? Type.Repetition.REQUIRED : Type.Repetition.OPTIONAL;
            switch (f.type()) {
                case INT32 -> b.primitive(PrimitiveTypeName.INT32, rep).named(f.name());
                case INT64 -> b.primitive(PrimitiveTypeName.INT64, rep).named(f.name());
                case BOOLEAN -> b.primitive(PrimitiveTypeName.BOOLEAN, rep).named(f.name());
                case STRING, ENUM -> b.primitive(PrimitiveTypeName.BINARY, rep)
                        .as(LogicalTypeAnnotation.stringType()).named(f.name());
                case DOUBLE -> b.primitive(PrimitiveTypeName.DOUBLE, rep).named(f.name());
            }
        }
        return b.named("event");
    }
}
