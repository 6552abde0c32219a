package org.iosup.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table format defined by a file {@code schemas/NAME.schema.json}: its name, version, fields
 * in order, and named enums. Every CSV the tool writes, and the event trace, has one; code
 * builds headers and Parquet schemas from it and tests compare outputs with it, so the format,
 * the code and {@code schemas/README.md} cannot drift apart.
 */
public final class TableSchema {
    /** Jackson's mapper, made on first {@link #load} only ({@link #version} must not pay for it). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final String name;
    private final int version;
    private final String description;
    private final List<FieldSpec> fields;
    private final Map<String, List<EnumValue>> enums;

    /** A value of a schema enum, with the fields a kind requires (for the event kinds). */
    public record EnumValue(String name, List<String> requires, String description) {
    }

    private TableSchema(String name, int version, String description, List<FieldSpec> fields,
                        Map<String, List<EnumValue>> enums) {
        this.name = name;
        this.version = version;
        this.description = description;
        this.fields = fields;
        this.enums = enums;
    }

    /** Loads {@code schemas/<file>.schema.json} from the classpath. */
    public static TableSchema load(String file) {
        String resource = "/schemas/" + file + ".schema.json";
        try (InputStream in = TableSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the build: " + resource);
            }
            return parse(Json.MAPPER.readTree(in), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    /**
     * Only the version of {@code schemas/<file>.schema.json}, read with Jackson's streaming parser
     * (a few classes, where a whole {@link #load} takes hundreds): for {@code --version}, which
     * must start fast.
     */
    public static int version(String file) {
        String resource = "/schemas/" + file + ".schema.json";
        try (InputStream in = TableSchema.class.getResourceAsStream(resource);
             com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(in)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new IllegalStateException(resource + " is not a JSON object");
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("version")) {
                    return p.getIntValue();
                }
                p.skipChildren();
            }
            throw new IllegalStateException(resource + " has no version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    static TableSchema parse(JsonNode root, String source) {
        List<FieldSpec> fields = new ArrayList<>();
        for (JsonNode f : root.path("fields")) {
            FieldType type = FieldType.parse(text(f, "type", source));
            long typeMin = type == FieldType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long typeMax = type == FieldType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE;
            fields.add(new FieldSpec(
                    text(f, "name", source), type,
                    f.path("required").asBoolean(false),
                    f.has("min") ? f.get("min").asLong() : typeMin,
                    f.has("max") ? f.get("max").asLong() : typeMax,
                    f.path("enum").asText(""),
                    f.path("dictionary").asBoolean(false),
                    f.has("max_length") ? f.get("max_length").asInt() : Integer.MAX_VALUE,
                    f.path("unit").asText(""),
                    "gauge".equals(f.path("kind").asText("")),
                    text(f, "description", source)));
        }
        Map<String, List<EnumValue>> enums = new LinkedHashMap<>();
        root.path("enums").properties().forEach(e -> {
            List<EnumValue> values = new ArrayList<>();
            for (JsonNode v : e.getValue()) {
                List<String> requires = new ArrayList<>();
                v.path("requires").forEach(r -> requires.add(r.asText()));
                values.add(new EnumValue(text(v, "name", source), List.copyOf(requires),
                        text(v, "description", source)));
            }
            enums.put(e.getKey(), List.copyOf(values));
        });
        return new TableSchema(text(root, "name", source), root.path("version").asInt(1),
                root.path("description").asText(""), List.copyOf(fields),
                Collections.unmodifiableMap(enums));
    }

    private static String text(JsonNode node, String key, String source) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalStateException(source + ": missing text property '" + key + "' in " + node);
        }
        return v.asText();
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    public String description() {
        return description;
    }

    public List<FieldSpec> fields() {
        return fields;
    }

    /** Field names in order: the CSV header. */
    public List<String> fieldNames() {
        return fields.stream().map(FieldSpec::name).toList();
    }

    public FieldSpec field(String fieldName) {
        for (FieldSpec f : fields) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        throw new IllegalArgumentException(name + " has no field " + fieldName);
    }

    public List<EnumValue> enumValues(String enumName) {
        List<EnumValue> values = enums.get(enumName);
        if (values == null) {
            throw new IllegalStateException(name + " has no enum " + enumName);
        }
        return values;
    }

    public Map<String, List<EnumValue>> enums() {
        return enums;
    }
}
