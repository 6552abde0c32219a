package org.iosup.trace;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.iosup.schema.FieldSpec;
import org.iosup.schema.TableSchema;
import org.iosup.trace.parquet.ParquetEventSchema;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventSchemaTest {
    private final EventSchema schema = EventSchema.get();

    @Test
    void fieldsAreTheContractVocabularyInOrder() {
        assertThat(schema.table().fieldNames()).containsExactly(
                "ts_ns", "kind", "cpu", "domain", "pid", "ppid", "comm", "frame", "level",
                "from_type", "to_type", "count", "granularity", "device", "addr", "bytes", "write");
        assertThat(schema.version()).isEqualTo(1);
        assertThat(schema.table().field("ts_ns").required()).isTrue();
        assertThat(schema.table().field("kind").required()).isTrue();
        assertThat(schema.table().field("level").min()).isEqualTo(1);
        assertThat(schema.table().field("level").max()).isEqualTo(4);
    }

    @Test
    void kindsAndTheirRequiredFields() {
        assertThat(schema.table().enumValues("kind")).extracting(TableSchema.EnumValue::name).containsExactly(
                "PROC_CREATE", "PROC_EXEC", "PROC_EXIT", "PT_ALLOC", "PT_FREE", "PT_PIN", "PT_UNPIN",
                "TYPE_CHANGE", "MMU_UPDATE", "IOMMU_MAP", "IOMMU_UNMAP", "IOTLB_FLUSH", "DMA");
        assertThat(schema.requires(EventKind.PT_ALLOC)).containsExactly("frame", "level");
        assertThat(schema.requires(EventKind.DMA)).containsExactly("device", "addr", "bytes");
        assertThat(schema.requires(EventKind.TYPE_CHANGE)).containsExactly("frame", "from_type", "to_type");
        assertThat(schema.table().enumValues("page_type")).extracting(TableSchema.EnumValue::name).containsExactly(
                "NONE", "WRITABLE", "L1", "L2", "L3", "L4", "SEG_DESC", "SHARED");
        assertThat(schema.table().enumValues("granularity")).extracting(TableSchema.EnumValue::name)
                .containsExactly("GLOBAL", "DOMAIN", "PAGE");
    }

    @Test
    void parquetSchemaIsDerivedFromTheDefinition() {
        MessageType m = ParquetEventSchema.message();
        assertThat(m.getFields()).extracting(Type::getName).isEqualTo(schema.table().fieldNames());
        for (FieldSpec f : schema.table().fields()) {
            Type t = m.getType(f.name());
            assertThat(t.isRepetition(f.required() ? Type.Repetition.REQUIRED : Type.Repetition.OPTIONAL))
                    .as(f.name()).isTrue();
            PrimitiveTypeName p = t.asPrimitiveType().getPrimitiveTypeName();
            switch (f.type()) {
                case INT32 -> assertThat(p).isEqualTo(PrimitiveTypeName.INT32);
                case INT64 -> assertThat(p).isEqualTo(PrimitiveTypeName.INT64);
                case BOOLEAN -> assertThat(p).isEqualTo(PrimitiveTypeName.BOOLEAN);
                case ENUM, STRING -> {
                    assertThat(p).isEqualTo(PrimitiveTypeName.BINARY);
                    assertThat(t.getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.stringType());
                }
                default -> throw new AssertionError(f);
            }
        }
    }

    @Test
    void theHumanPageDocumentsEveryFieldKindAndEnumValue() throws IOException {
        String doc = Files.readString(Path.of("..", "schemas", "README.md"));
        for (FieldSpec f : schema.table().fields()) {
            assertThat(doc).as("field " + f.name()).contains("`" + f.name() + "`");
        }
        schema.table().enums().forEach((name, values) -> {
            for (TableSchema.EnumValue v : values) {
                assertThat(doc).as(name + " " + v.name()).contains("`" + v.name() + "`");
            }
        });
        for (EventKind k : EventKind.values()) {
            List<String> req = schema.requires(k);
            String line = doc.lines().filter(l -> l.startsWith("| `" + k.name() + "` |")).findFirst().orElseThrow();
            for (String r : req) {
                assertThat(line).as("requirements of " + k + " in schemas/README.md").contains(r);
            }
        }
    }
}
