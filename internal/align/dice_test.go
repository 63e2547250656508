package align

import (
	"math/rand/v2"
	"testing"

	"github.com/adrg/strutil/metrics"
)

// Dice over sorted trigrams is strutil's SorensenDice (case-sensitive,
// trigrams), its oracle, on random texts of few letters (many repeated
// trigrams), any script, short and empty ones.
func TestDiceIsStrutil(t *testing.T) {
	oracle := &metrics.SorensenDice{CaseSensitive: true, NgramSize: 3}
	r := rand.New(rand.NewPCG(5, 6))
	letters := []rune("abé ж中 ")
	text := func() string {
		rs := make([]rune, r.IntN(12))
		for k := range rs {
			rs[k] = letters[r.IntN(len(letters))]
		}
		return string(rs)
	}
	for range 20000 {
		a, b := text(), text()
		want := oracle.Compare(a, b)
		if a == "" && b == "" {
			want = 0 // both empty: no trigram to share (strutil says 1; never asked here)
		}
		if got := Dice(Trigrams(a), Trigrams(b)); got != want {
			t.Fatalf("Dice(%q, %q) = %v, strutil %v", a, b, got, want)
		}
	}
}
