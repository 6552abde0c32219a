package org.iosup.model.guest;

import org.iosup.trace.TraceMetadata;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The paging modes replay takes are the values the metadata check lets into a trace, and no others. */
class PagingTest {
    @Test
    void theMetadataCheckAcceptsExactlyThePagingModesReplayTakes() {
        assertThat(Arrays.stream(Paging.values()).map(Paging::label).toList())
                .containsExactlyElementsOf(TraceMetadata.PAGING_VALUES);
        for (String v : TraceMetadata.PAGING_VALUES) {
            TraceMetadata.check(Paging.META_KEY, v, "test");
            assertThat(Paging.parse(v, "test").label()).isEqualTo(v);
        }
    }
}
