package org.iosup.schema;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every table format in schemas/ is documented in schemas/README.md, column by column. */
class SchemaDocsTest {
    @Test
    void everyColumnOfEveryTableIsDocumented() throws IOException {
        Path dir = Path.of("..", "schemas");
        String doc = Files.readString(dir.resolve("README.md"));
        List<String> tables;
        try (Stream<Path> files = Files.list(dir)) {
            tables = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".schema.json"))
                    // JSON Schema documents (inspect --json, the import report, manifests) are not tables.
                    .filter(n -> !isJsonSchema(dir.resolve(n)))
                    .map(n -> n.substring(0, n.length() - ".schema.json".length())).sorted().toList();
        }
        assertThat(tables).contains("events", "replay-minutes", "replay-summary", "analyze-minutes", "compare");
        for (String t : tables) {
            assertThat(doc).as(t).contains("`" + t + ".schema.json`");
            for (FieldSpec f : TableSchema.load(t).fields()) {
                assertThat(doc).as(t + " column " + f.name()).contains("| `" + f.name() + "` |");
            }
        }
    }

    private static boolean isJsonSchema(Path file) {
        try {
            return Files.readString(file).contains("\"$schema\"");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
