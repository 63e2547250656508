package eval

import (
	"os"
	"testing"
)

// A PA page as the wire sends it (text of our own): header between dashed
// rules, "<" at each paragraph's end, control characters, typewriter quotes
// and "#" for the pound.
func TestCleanPA(t *testing.T) {
	page := "  ------------------------------------------------------------------------\n\n" +
		"  ------------------------------------------------------------------------\n\n" +
		"                10:01 02/03/00: Page 1 (ABC) COURTS Bakery\n" +
		"  ------------------------------------------------------------------------\n" +
		"BAKER FINED OVER LOAVES<\n" +
		"\x19By A Reporter, PA News<\n" +
		"\x19A baker was fined #500 today after\n" +
		"selling ``short'' loaves, magistrates heard.<\n"
	want := "BAKER FINED OVER LOAVES\n\nBy A Reporter, PA News\n\n" +
		"A baker was fined £500 today after selling \"short\" loaves, magistrates heard."
	if got := cleanPA([]byte(page)); got != want {
		t.Errorf("cleanPA:\n got %q\nwant %q", got, want)
	}
}

func TestBinary(t *testing.T) {
	s := scoresOf(derivationClasses, [][]int{{8, 1, 1}, {3, 4, 3}, {1, 2, 7}})
	b := Binary(s)
	want := [][]int{{8, 2}, {4, 16}}
	for g := range want {
		for p := range want[g] {
			if b.Confusion[g][p] != want[g][p] {
				t.Fatalf("binary confusion %v, want %v", b.Confusion, want)
			}
		}
	}
	if b.Pairs != 30 || b.Classes[1].Class != "derived" {
		t.Errorf("binary scores %+v", b)
	}
}

// TestLoadMeter reads the real corpus when COPYDESK_METER names a clone of
// the public repository AbeHandler/text-plagiarism (research licence: never
// committed here).
func TestLoadMeter(t *testing.T) {
	dir := os.Getenv("COPYDESK_METER")
	if dir == "" {
		t.Skip("COPYDESK_METER unset: clone the public repository AbeHandler/text-plagiarism (METER is under t/meter-corpus/) and point COPYDESK_METER at the clone")
	}
	set, err := LoadMeter(dir)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, p := range set.Pairs {
		count[p.Relation]++
	}
	// 945 labelled articles, one of whose stories has no PA copy.
	if len(set.Pairs) != 944 || set.NoSource != 1 || count["wholly"] != 301 || count["partially"] != 438 || count["non"] != 205 {
		t.Errorf("%d pairs (%v), %d without a source; want 944 (301 wholly, 438 partially, 205 non), 1", len(set.Pairs), count, set.NoSource)
	}
}
