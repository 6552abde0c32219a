package org.iosup.trace;

import org.iosup.schema.FieldSpec;
import org.iosup.schema.TableSchema;

import java.util.List;

/**
 * The event trace schema, loaded once from {@code schemas/events.schema.json}. On load it checks
 * that the Java vocabulary ({@link Column}, {@link EventKind}, {@link PageType},
 * {@link Granularity}) has exactly the schema's names in the schema's order, and turns each
 * kind's required fields into a bit mask over {@link Column} for fast row checks.
 */
public final class EventSchema {
    /** Parquet key-value metadata key holding the schema name. */
    public static final String META_SCHEMA = "iosup.schema";
    /** Parquet key-value metadata key holding the schema version. */
    public static final String META_VERSION = "iosup.schema.version";

    private static final EventSchema INSTANCE = new EventSchema(TableSchema.load("events"));

    private final TableSchema table;
    private final FieldSpec[] fields;
    private final int[] requiredByKind;

    private EventSchema(TableSchema table) {
        this.table = table;
        List<FieldSpec> specs = table.fields();
        checkNames("fields", specs.stream().map(FieldSpec::name).toList(),
                java.util.Arrays.stream(Column.values()).map(Column::columnName).toList());
        this.fields = specs.toArray(new FieldSpec[0]);
        checkEnum("kind", EventKind.values());
        checkEnum("page_type", PageType.values());
        checkEnum("granularity", Granularity.values());
        List<TableSchema.EnumValue> kinds = table.enumValues("kind");
        requiredByKind = new int[kinds.size()];
        for (int k = 0; k < kinds.size(); k++) {
            int mask = Column.TS_NS.bit() | Column.KIND.bit();
            for (String name : kinds.get(k).requires()) {
                Column c = Column.byName(name);
                if (c == null) {
                    throw new IllegalStateException("events schema: kind " + kinds.get(k).name()
                            + " requires unknown field " + name);
                }
                mask |= c.bit();
            }
            requiredByKind[k] = mask;
        }
    }

    private void checkEnum(String enumName, Enum<?>[] javaValues) {
        checkNames("enum " + enumName,
                table.enumValues(enumName).stream().map(TableSchema.EnumValue::name).toList(),
                java.util.Arrays.stream(javaValues).map(Enum::name).toList());
    }

    private static void checkNames(String what, List<String> schema, List<String> java) {
        if (!schema.equals(java)) {
            throw new IllegalStateException("schemas/events.schema.json " + what + " " + schema
                    + " differ from the code's " + java);
        }
    }

    public static EventSchema get() {
        return INSTANCE;
    }

    public TableSchema table() {
        return table;
    }

    public int version() {
        return table.version();
    }

    public String name() {
        return table.name();
    }

    public FieldSpec field(Column column) {
        return fields[column.ordinal()];
    }

    /** Bit mask over {@link Column} of the fields a kind requires (always with ts_ns and kind). */
    public int requiredMask(int kindCode) {
        return requiredByKind[kindCode];
    }

    /** The names of the fields a kind requires beyond ts_ns and kind. */
    public List<String> requires(EventKind kind) {
        return table.enumValues("kind").get(kind.ordinal()).requires();
    }
}
