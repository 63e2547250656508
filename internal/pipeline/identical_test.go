package pipeline

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
)

// TestManyCopiesAreOneStory runs 600 identical copies of one article, and
// 600 near-identical ones (each with a different word changed), beside an
// unrelated article: each set is one duplicate group and one story cluster,
// however many copies there are (600 identical copies used to give 594
// story clusters), and the unrelated article stays alone.
func TestManyCopiesAreOneStory(t *testing.T) {
	wire, err := os.ReadFile("../../testdata/crafted/wire.txt")
	if err != nil {
		t.Fatal(err)
	}
	other, err := os.ReadFile("../../testdata/crafted/unrelated.txt")
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(string(wire))
	for _, tc := range []struct {
		name string
		text func(k int) string
	}{
		{"identical", func(int) string { return string(wire) }},
		{"near-identical", func(k int) string {
			w := append([]string(nil), words...)
			w[(k*7)%len(w)] = fmt.Sprintf("changed%d", k)
			return strings.Join(w, " ")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const copies = 600
			arts := make([]article.Article, 0, copies+1)
			for k := range copies {
				arts = append(arts, article.Article{ID: fmt.Sprintf("c%03d", k), Body: tc.text(k)})
			}
			arts = append(arts, article.Article{ID: "other", Body: string(other)})
			res, err := Run(context.Background(), arts, Options{Story: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, level := range []cluster.Level{cluster.Copy, cluster.StoryLvl} {
				g := res.Groups(level)
				count := map[int]int{}
				for _, x := range g[:copies] {
					count[x]++
				}
				if len(count) != 1 || g[copies] == g[0] {
					t.Errorf("level %v: the copies fall in %d groups, the unrelated article in group %d", level, len(count), g[copies])
				}
			}
		})
	}
}
