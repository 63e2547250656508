package report

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/copydesk/copydesk/internal/article"
)

// blocks end a bidi paragraph: a string alone in one cannot reorder others.
var blocks = map[string]bool{"td": true, "th": true, "li": true, "p": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"blockquote": true, "div": true, "dd": true, "dt": true, "caption": true, "title": true, "option": true, "summary": true, "body": true}

// isolated reports whether text node n cannot reorder the text around it:
// an ancestor inside its block is <bdi>, has dir or the isolating class
// ref, or n is all the text of its block.
func isolated(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		// An SVG text element is laid out as a paragraph of its own.
		if _, dir := attr(p, "dir"); dir || p.Data == "bdi" || p.Data == "text" || hasClass(p, "ref") {
			return true
		}
		if blocks[p.Data] {
			var text strings.Builder
			walk(p, func(c *html.Node) {
				if c.Type == html.TextNode {
					text.WriteString(c.Data)
				}
			})
			return strings.TrimSpace(text.String()) == strings.TrimSpace(n.Data)
		}
	}
	return false
}

func TestBidiIsolated(t *testing.T) {
	// A right-to-left override in one outlet's name (U+202E) must not
	// reverse the labels of the others: every user string is isolated.
	const rlo = "\u202e"
	text := "The ministry said on Monday that talks would resume in Geneva next week after a pause in the fighting. "
	arts := []article.Article{
		{ID: "a" + rlo + "1", Outlet: "Evil" + rlo + " Daily", Title: rlo + "Talks", Byline: rlo + "By X", Body: text + text},
		{ID: "b", Outlet: "Beta", Title: "Talks resume", Body: text + text},
		{ID: "c", Outlet: "Gamma", Title: "Talks again", Body: text + text + "More."},
	}
	rep := buildArticles(t, 0, arts)
	for _, p := range rep.Layout().Pages {
		doc, _ := parse(t, p)
		walk(doc, func(n *html.Node) {
			if n.Type == html.TextNode && strings.Contains(n.Data, rlo) && n.Parent.Data != "style" && !isolated(n) {
				t.Errorf("%s: %q is not isolated (in <%s class=%q>)", p.Title, n.Data, n.Parent.Data, classOf(n.Parent))
			}
		})
	}
}

func classOf(n *html.Node) string { v, _ := attr(n, "class"); return v }
