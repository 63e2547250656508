package quote

import (
	"strings"
	"testing"
)

// Adversarial sizes must stay near linear: many short quotations, many
// names, one long paragraph.
func BenchmarkExtractManyQuotes(b *testing.B) {
	text := strings.Repeat(`"Go now," Ann Lee said. `, 2000)
	for b.Loop() {
		Extract(text)
	}
}

func BenchmarkExtractManyNames(b *testing.B) {
	text := strings.Repeat(`Ann Lee met Bo Ray Cy Dee in Oslo. `, 2000) + `"Yes," he said.`
	for b.Loop() {
		Extract(text)
	}
}

func BenchmarkMergeManyQuotes(b *testing.B) {
	qs := Extract(strings.Repeat(`"Go now," Ann Lee said. "We stay," said Bo Ray. `, 1000))
	for b.Loop() {
		Merge([]Source{{ID: "a", Quotes: qs}, {ID: "b", Quotes: qs}})
	}
}
