package org.iosup.model.xen;

import org.iosup.trace.PageType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PageTypeTableTest {
    private final List<String> changes = new ArrayList<>();
    private final PageTypeTable t = new PageTypeTable((f, from, to) -> changes.add(f + ":" + from + "->" + to));

    @Test
    void anUnseenFrameIsWritableWithOneReferenceAndMapped() {
        assertThat(t.type(7)).isEqualTo(PageType.WRITABLE);
        assertThat(t.count(7)).isEqualTo(1);
        assertThat(t.isMapped(7)).isTrue();
        assertThat(t.isPinned(7)).isFalse();
        assertThat(t.trackedFrames()).isZero();
    }

    @Test
    void theTypeChangesOnlyOnAZeroToOneReferenceOfAnotherType() {
        assertThat(t.get(7, PageType.L1)).isEqualTo(PageTypeTable.Result.REFUSED); // count 1, writable
        assertThat(changes).isEmpty();
        assertThat(t.refused()).isEqualTo(1);
        assertThat(t.put(7)).isTrue();
        assertThat(t.type(7)).isEqualTo(PageType.WRITABLE); // a drop to 0 keeps the type
        assertThat(t.get(7, PageType.L1)).isEqualTo(PageTypeTable.Result.CHANGED);
        assertThat(changes).containsExactly("7:WRITABLE->L1");
        assertThat(t.isValidated(7)).isTrue();
        assertThat(t.get(7, PageType.L1)).isEqualTo(PageTypeTable.Result.SAME_TYPE);
        assertThat(t.count(7)).isEqualTo(2);
        assertThat(t.typeChanges()).isEqualTo(1);
    }

    @Test
    void dropToZeroKeepsAPageTableTypeButNotValidated() {
        t.put(7);
        t.get(7, PageType.L2);
        t.put(7);
        assertThat(t.type(7)).isEqualTo(PageType.L2);
        assertThat(t.count(7)).isZero();
        assertThat(t.isValidated(7)).isFalse();
        assertThat(t.put(7)).isFalse();
        assertThat(t.get(7, PageType.WRITABLE)).isEqualTo(PageTypeTable.Result.CHANGED);
        assertThat(changes).containsExactly("7:WRITABLE->L2", "7:L2->WRITABLE");
        assertThat(t.trackedFrames()).isZero(); // back to the default state: not stored
    }

    @Test
    void aReferencedPageTableMappedInTheIommuIsAViolation() {
        t.put(9);
        t.get(9, PageType.L1);
        assertThat(t.isProtectionViolated(9)).isTrue(); // nobody unmapped it
        t.setMapped(9, false);
        assertThat(t.isProtectionViolated(9)).isFalse();
        assertThat(t.isProtectionViolated(10)).isFalse(); // a writable frame may be mapped
    }
}
