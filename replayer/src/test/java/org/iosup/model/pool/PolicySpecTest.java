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
        assertThat(q.family()).isEqualTo("quicklist");
        assertThat(q.enableAtNs()).isEqualTo(300_000_000_000L);
        QuicklistPolicy ql = (QuicklistPolicy) q.policy();
        assertThat(ql.min()).isEqualTo(10);
        assertThat(ql.batch()).isEqualTo(4);
        assertThat(ql.fraction()).isEqualTo(16);
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

    @Test
    void everyFamilyIsATypeInTheRegistryAndEverySpellingRoundTrips() {
        assertThat(PolicyFamilies.all().stream().map(PolicyFamilies.Family::name))
                .containsExactly("disabled", "pre-enabled", "dynamic", "quicklist");
        for (String spec : new String[] {"disabled", "pre-enabled", "Pre-Enabled,cap=8", "dynamic@5m", "dynamic@300s,shrink=off",
            "dynamic@1m,shrink-ratio=2,shrink-total=64,name=dyn", "quicklist", "quicklist@2m,min=5,batch=2,fraction=8",
            "pre-enabled,shrink=on,shrink-total=99"}) {
            PolicySpec p = PolicySpec.parse(spec);
            // The spec is kept as written, and parsing it again gives the same policy.
            assertThat(p.spec()).isEqualTo(spec);
            assertThat(PolicySpec.parse(p.spec())).isEqualTo(p);
            assertThat(p.policy().family()).isEqualTo(spec.toLowerCase(java.util.Locale.ROOT).split("[@,]")[0]);
        }
        assertThat(PolicySpec.parse("disabled").policy()).isInstanceOf(DisabledPolicy.class);
        assertThat(PolicySpec.parse("disabled").policy().poolsOnAt(Long.MAX_VALUE)).isFalse();
        assertThat(PolicySpec.parse("pre-enabled").policy()).isInstanceOf(PreEnabledPolicy.class);
        assertThat(PolicySpec.parse("dynamic@5m").policy()).isInstanceOf(DynamicPolicy.class);
        assertThat(PolicySpec.parse("quicklist").policy()).isInstanceOf(QuicklistPolicy.class);
        assertThat(PolicySpec.parse("dynamic@1m,name=dyn").name()).isEqualTo("dyn");
    }

    @Test
    void eachFamilyOwnsItsTrimRule() {
        // The shrink rule: in-pool/in-use over 1 and in-pool + in-use over 150: give back in-pool - in-use.
        assertThat(PolicySpec.parse("dynamic@0s").policy().excess(120, 40)).isEqualTo(80);
        assertThat(PolicySpec.parse("dynamic@0s").policy().excess(100, 40)).isZero();
        assertThat(PolicySpec.parse("dynamic@0s,shrink=off").policy().excess(1000, 1)).isZero();
        assertThat(PolicySpec.parse("pre-enabled").policy().excess(1000, 1)).isZero();
        assertThat(PolicySpec.parse("disabled").policy().excess(1000, 1)).isZero();
        // Quicklist: keep max(262144 / 16 / 4, 25) = 4096, at most 16 a trim.
        assertThat(PolicySpec.parse("quicklist").policy().excess(5000, 0)).isEqualTo(16);
        assertThat(PolicySpec.parse("quicklist,free-pages=1000").policy().excess(30, 0)).isEqualTo(5);
        assertThat(PolicySpec.parse("quicklist").policy().excess(20, 0)).isZero();
    }
}
