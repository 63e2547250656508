// Package article loads news articles from plain text, HTML and JSONL files,
// directories and standard input, and turns each into an Article: the main
// text of the story, cleaned of page furniture, with its headline, byline,
// dateline and source credits kept as fields rather than body text.
//
// The body is what every later stage compares, so what is cut here is never
// counted as shared copy: UI strings ("Share", "Advertisement", "100% Font
// Size"), lines a page repeats (a photo caption shown twice), related-story
// links after the end, credits lines. The rules are in clean.go: a small
// documented vocabulary plus structural tests (short lines, repeats, where a
// line stands), never a pattern that could cut a sentence of the story.
//
// Loading never stops at a bad input: Reader hands each problem, wrapped with
// the input's name (and line, for JSONL), to its Bad callback and goes on.
package article

import (
	"path/filepath"
	"strings"
	"time"
)

// Article is one news article, ready to compare.
type Article struct {
	ID        string   `json:"id"`                  // JSONL id, or the path it was read from
	Outlet    string   `json:"outlet,omitempty"`    // publisher, when known
	Title     string   `json:"title,omitempty"`     // headline
	Byline    string   `json:"byline,omitempty"`    // author(s), without "By"
	Dateline  string   `json:"dateline,omitempty"`  // "GENEVA (AA)"
	Credits   []string `json:"credits,omitempty"`   // sources credited: "AA", "Reuters", "TRTWorld and agencies"
	URL       string   `json:"url,omitempty"`       // where it was published
	Published string   `json:"published,omitempty"` // publication time as given
	Body      string   `json:"text"`                // main text, paragraphs separated by a blank line
	// Source is the file a JSONL or JSON record was read from ("-" for
	// standard input); empty for a text or HTML file, whose ID is its path.
	// FILE#ID names the record again (compare diff).
	Source string `json:"-"`
}

// Label names the article for people: its outlet, else its file name
// without directory and extension, else its id.
func (a *Article) Label() string {
	if a.Outlet != "" {
		return a.Outlet
	}
	base := filepath.Base(a.ID)
	if ext := filepath.Ext(base); ext != "" && ext != base {
		base = strings.TrimSuffix(base, ext)
	}
	if base == "" || base == "." {
		return a.ID
	}
	return base
}

// Paragraphs returns the body's paragraphs.
func (a *Article) Paragraphs() []string {
	return strings.Split(a.Body, "\n\n")
}

// timeLayouts are the publication time formats PublishedTime reads, tried
// in order: what the loaders write (RFC 3339, UTC), then the common feed
// and sitemap forms, each with the span of time a value of it names: an
// instant, a minute, or a day for a date alone.
var timeLayouts = []struct {
	layout string
	within time.Duration
}{
	{time.RFC3339Nano, 0}, {"2006-01-02T15:04:05", 0}, {"2006-01-02 15:04:05", 0},
	{"2006-01-02T15:04", time.Minute}, {"2006-01-02", 24 * time.Hour},
	{time.RFC1123Z, 0}, {time.RFC1123, 0}, {time.RFC850, 0},
}

// PublishedTime reads a publication time (Article.Published) in UTC, the
// span of time it names from there (0 for an instant, a day for a date
// alone: "2026-05-03" is some time that day), and whether it is one: an
// empty value, or one in none of the forms read, is undated. Every stage
// that orders articles by time reads it here.
func PublishedTime(s string) (at time.Time, within time.Duration, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, 0, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return t.UTC(), l.within, true
		}
	}
	return time.Time{}, 0, false
}
