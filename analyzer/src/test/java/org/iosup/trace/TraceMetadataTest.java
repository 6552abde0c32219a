package org.iosup.trace;

import org.iosup.io.UserException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one check of trace metadata, for what enters a trace and for what a stored trace holds. */
class TraceMetadataTest {
    @Test
    void knownKeysTakeTheirValuesAndOtherIosupKeysAreRefused() {
        TraceMetadata.check("iosup.paging", "pae", "t");
        TraceMetadata.check("iosup.paging", "x86-64", "t");
        TraceMetadata.check("iosup.paging.levels", "5", "t");
        TraceMetadata.check("iosup.schema", "iosup.events", "t");
        TraceMetadata.check("iosup.schema.version", "1", "t");
        TraceMetadata.check("iosup.source", "hand-written sample (traces/README.md)", "t");
        TraceMetadata.check("iosup.synth.minutes", "30", "t");
        TraceMetadata.check("iosup.record.command", "make -j2", "t");
        TraceMetadata.check("lab.kernel", "6.18 \"rc\"", "t");
        TraceMetadata.check("lab.empty", "", "t");
        assertThatThrownBy(() -> TraceMetadata.check("iosup.paging", "PAE", "x.csv line 2")).isInstanceOf(UserException.class)
                .hasMessage("x.csv line 2: metadata 'iosup.paging' value 'PAE': not valid (valid: pae, x86-64)");
        assertThatThrownBy(() -> TraceMetadata.check("iosup.paging.levels", "3", "t")).hasMessageContaining("(valid: 4, 5)");
        assertThatThrownBy(() -> TraceMetadata.check("iosup.synth.", "1", "t")).hasMessageContaining("not an iosup key");
        assertThatThrownBy(() -> TraceMetadata.check("iosup.source", "", "t")).hasMessage("t: metadata 'iosup.source' is empty");
        assertThatThrownBy(() -> TraceMetadata.check("lab key", "1", "t"))
                .hasMessage("t: metadata key 'lab key': use letters, digits, '.', '_' and '-' only");
        assertThatThrownBy(() -> TraceMetadata.check("lab.x", " 1", "t")).hasMessageContaining("starts or ends with a space");
        assertThatThrownBy(() -> TraceMetadata.check("lab.x", "a\u2028b", "t"))
                .hasMessageContaining("value 'a\\u2028b': holds a control character or line break (character 2)");
    }

    @Test
    void aStoredTraceIsCheckedInTheIosupNamespaceOnly() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ARROW:schema", "/////base64==");
        m.put("pandas", "{\n  \"index_columns\": []\n}");
        m.put("iosup.paging", "x86-64");
        TraceMetadata.checkStored(m, "t.parquet");
        m.put("iosup.paging", "bogus");
        assertThatThrownBy(() -> TraceMetadata.checkStored(m, "t.parquet"))
                .hasMessage("t.parquet: metadata 'iosup.paging' value 'bogus': not valid (valid: pae, x86-64)");
    }

    @Test
    void metaOptionsAreParsedInOrderAndEachKeyOnce() {
        assertThat(TraceMetadata.parseOptions(List.of("lab.a=1", "iosup.paging=pae", "lab.b=x=y")))
                .containsExactly(Map.entry("lab.a", "1"), Map.entry("iosup.paging", "pae"), Map.entry("lab.b", "x=y"));
        assertThatThrownBy(() -> TraceMetadata.parseOptions(List.of("=1"))).hasMessage("--meta =1: expected KEY=VALUE");
        assertThatThrownBy(() -> TraceMetadata.parseOptions(List.of("lab.a=1", "lab.a=1")))
                .hasMessage("--meta lab.a given twice ('1' and '1')");
    }
}
