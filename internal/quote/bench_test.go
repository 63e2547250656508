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
