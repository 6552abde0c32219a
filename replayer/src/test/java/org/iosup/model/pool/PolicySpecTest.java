package org.iosup.model.pool;

import org.iosup.io.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicySpecTest {
    @Test
    void thePapersGroups() {
        PolicySpec d = PolicySpec.parse("disabled");
        assertThat(d.pools()).isFalse();
        assertThat(d.poolsOnAt(Long.MAX_VALUE - 1)).isFalse();
        PolicySpec p = PolicySpec.parse("pre-enabled");
        assertThat(p.poolsOnAt(0)).isTrue();
        assertThat(p.shrink()).isFalse();
        PolicySpec y = PolicySpec.parse("dynamic@5m,name=cache-dynamic-enabled");
        assertThat(y.name()).isEqualTo("cache-dynamic-enabled");
        assertThat(y.spec()).isEqualTo("dynamic@5m,name=cache-dynamic-enabled");
        assertThat(y.enableAtNs()).isEqualTo(300_000_000_000L);
        assertThat(y.poolsOnAt(299_999_999_999L)).isFalse();
        assertThat(y.poolsOnAt(300_000_000_000L)).isTrue();
        assertThat(y.shrink()).isTrue();
        assertThat(y.shrinkRatio()).isEqualTo(PolicySpec.DEFAULT_SHRINK_RATIO);
    }

    @Test
    void optionsAndAlternatives() {
        PolicySpec c = PolicySpec.parse("pre-enabled,cap=32,shrink=on,shrink-ratio=2.5,shrink-total=100");
        assertThat(c.cap()).isEqualTo(32);
        assertThat(c.shrinkRatio()).isEqualTo(2.5);
        assertThat(c.shrinkTotal()).isEqualTo(100);
        PolicySpec q = PolicySpec.parse("quicklist@300s,min=10,batch=4");
        assertThat(q.quicklist()).isTrue();
        assertThat(q.enableAtNs()).isEqualTo(300_000_000_000L);
        assertThat(q.qlMin()).isEqualTo(10);
        assertThat(q.qlBatch()).isEqualTo(4);
        assertThat(PolicySpec.parse("dynamic@1h30m").enableAtNs()).isEqualTo(5_400_000_000_000L);
        assertThat(PolicySpec.parse("dynamic@1500ms,shrink=off").shrink()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            lru                        | unknown policy 'lru' (valid: disabled, pre-enabled, dynamic@TIME, quicklist[@TIME]
            dynamic                    | 'dynamic' needs a time, e.g. dynamic@5m
            dynamic@5 minutes          | bad duration '5 minutes'
            pre-enabled@5m             | 'pre-enabled' takes no @TIME
            pre-enabled,cap=-1         | cap must be at least 0, got -1
            pre-enabled,colour=red     | unknown option(s) [colour]
            pre-enabled,shrink=maybe   | shrink must be on or off, got 'maybe'
            disabled,cap=4             | 'disabled' has no pools to cap or shrink
            pre-enabled,cap            | option 'cap' is not key=value
            """)
    void mistakesAreUserErrors(String spec, String message) {
        assertThatThrownBy(() -> PolicySpec.parse(spec.strip())).isInstanceOf(UserException.class)
                .hasMessageContaining(message.strip());
    }
}
