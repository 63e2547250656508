package compare

import (
	"context"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/framing"
	"github.com/copydesk/copydesk/internal/output"
)

// Story is the view of one story cluster as the report shows it: New's
// view with members named by their ids and sentences by their text, and
// framing.Build's quotes, numbers and terms. A plain value: report and
// serve lay it out and render it, and compute nothing of it.
type Story struct {
	// Compared is how many members the view compares (MaxMembers at
	// most); members past it are listed but not compared.
	Compared int           `json:"compared"`
	Core     []StoryPiece  `json:"core"`    // content two or more members carry, most carried first
	Outlets  []StoryOutlet `json:"outlets"` // one per compared member, in member order
	// Framing: quotations by speaker, numbers by fact, names and
	// distinctive terms per outlet, over the compared members.
	Framing *framing.View `json:"framing,omitempty"`
}

// StoryPiece is one piece of shared content, in the words of each member
// that carries it.
type StoryPiece struct {
	Members  []string       `json:"members"`
	Carriers []StoryCarrier `json:"carriers"`
}

// StoryCarrier is one member's sentence in a piece.
type StoryCarrier struct {
	StorySentence
	Article string `json:"article"`
	// Match is the sentence's strongest link to the rest of the piece:
	// verbatim (inside a shared passage of copy), quote (inside a shared
	// quote) or reworded (same content, other words); With names the
	// article linked to and Score the strength (covered share of the
	// sentence for verbatim and quote, sentence similarity for reworded).
	Match string  `json:"match"`
	With  string  `json:"with"`
	Score float64 `json:"score"`
}

// StorySentence is a sentence of a member: its byte span and text.
type StorySentence struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// StoryOutlet is what one member did with the story.
type StoryOutlet struct {
	Article    string          `json:"article"`
	Words      int             `json:"words"`
	CopyWords  int             `json:"copy_words"`  // inside copy shared with another member
	QuoteWords int             `json:"quote_words"` // inside quotes shared with another member (not copy)
	Churn      float64         `json:"churn"`       // copy_words / words
	Added      []StorySentence `json:"added"`
	LeftOut    []StoryLeftOut  `json:"left_out"`
}

// StoryLeftOut is content the outlet does not carry and at least half of
// the other members do, in the words of the first member that carries it.
type StoryLeftOut struct {
	StorySentence
	Article   string   `json:"article"`    // whose words Text is
	CarriedBy []string `json:"carried_by"` // every member carrying it
}

// StoryMember is a member of a story cluster as BuildStory reads it.
type StoryMember struct {
	Doc       *align.Doc // prepared by align.NewDoc
	ID, Label string     // its id, and its outlet or id as the framing names it
}

// BuildStory builds the Story of members (the first MaxMembers are
// compared; the caller may pass only those) with names as framing's table
// of names (nil: framing.Referents). Scores are rounded to three decimals.
func BuildStory(ctx context.Context, members []StoryMember, names []framing.Referent) (Story, error) {
	members = members[:min(len(members), MaxMembers)]
	docs := make([]*align.Doc, len(members))
	for k := range members {
		docs[k] = members[k].Doc
	}
	v, err := New(ctx, docs)
	if err != nil {
		return Story{}, err
	}
	l := storyLayout{v: v, members: members}
	s := Story{Compared: len(v.Outlets), Core: []StoryPiece{}}
	for k := range v.Pieces[:v.Core] {
		s.Core = append(s.Core, l.piece(&v.Pieces[k]))
	}
	for m := range v.Outlets {
		s.Outlets = append(s.Outlets, l.outlet(m))
	}
	fd := make([]framing.Doc, len(members))
	for k, m := range members {
		fd[k] = framing.Doc{ID: m.ID, Label: m.Label, Text: m.Doc.Text}
	}
	s.Framing = framing.Build(fd, names)
	return s, nil
}

// storyLayout names a view's members and sentences.
type storyLayout struct {
	v       *View
	members []StoryMember
}

func (l storyLayout) sentence(m, s int) StorySentence {
	x := l.v.Sentences[m][s]
	return StorySentence{Start: x.Start, End: x.End, Text: l.members[m].Doc.Text[x.Start:x.End]}
}

func (l storyLayout) piece(p *Piece) StoryPiece {
	out := StoryPiece{Members: make([]string, len(p.Members))}
	for k, m := range p.Members {
		out.Members[k] = l.members[m].ID
	}
	for _, cr := range p.Carriers {
		car := StoryCarrier{StorySentence: l.sentence(cr.Member, cr.Sentence), Article: l.members[cr.Member].ID}
		if cr.Best.Member >= 0 {
			car.Match, car.With, car.Score = cr.Best.Kind.String(), l.members[cr.Best.Member].ID, output.Round3(cr.Best.Score)
		}
		out.Carriers = append(out.Carriers, car)
	}
	return out
}

func (l storyLayout) outlet(m int) StoryOutlet {
	o := &l.v.Outlets[m]
	out := StoryOutlet{
		Article: l.members[m].ID, Words: o.Words, CopyWords: o.CopyWords, QuoteWords: o.QuoteWords,
		Churn: output.Round3(o.Churn), Added: []StorySentence{}, LeftOut: []StoryLeftOut{},
	}
	for _, k := range o.Added {
		cr := l.v.Pieces[k].Carriers[0]
		out.Added = append(out.Added, l.sentence(cr.Member, cr.Sentence))
	}
	for _, k := range o.LeftOut {
		p := l.piece(&l.v.Pieces[k])
		first := p.Carriers[0]
		out.LeftOut = append(out.LeftOut, StoryLeftOut{StorySentence: first.StorySentence, Article: first.Article, CarriedBy: p.Members})
	}
	return out
}
