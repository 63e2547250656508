package cluster

import (
	"context"
	"strings"
	"testing"

	"github.com/copydesk/copydesk/internal/align"
)

const testFooter = "Sign up for our morning newsletter to get the day's top stories delivered to your inbox, and follow the Daily Courier on social media for breaking news, photos and video from across the region and the world."

var (
	testLibrary = "The city council voted on Tuesday to close the Elm Street library branch after a budget review found that repairs to its roof would cost more than two million dollars.\n\n" +
		"Residents who packed the meeting said the branch was the only quiet place for children to study after school, and several read letters from pupils asking the council to reconsider.\n\n" +
		"Council member Rita Gomez said the decision was painful but unavoidable, and that the books would move to the main library downtown by the end of March."
	testTrain = "A freight train derailed near the river crossing early on Wednesday, spilling grain across the tracks and halting passenger services for most of the morning.\n\n" +
		"No one was hurt, the rail operator said, and crews expected to reopen the line by evening. Investigators are examining a section of track that was replaced last spring."
	testSitIn = "Parents at the Elm Street library held a sit-in on Thursday, two days after the council decided to shut the branch.\n\n" +
		"Residents who packed the meeting said the branch was the only quiet place for children to study after school, and several read letters from pupils asking the council to reconsider.\n\n" +
		"Organisers said they would take their case to the state librarian and were raising money for an independent survey of the roof."
)

func doc(text, outlet string) *align.Doc {
	d := align.NewDoc(text)
	d.Outlet = outlet
	return d
}

// An ending two articles of one outlet share is its furniture: the pair is
// judged on the texts before it. Across outlets, or without an outlet, the
// same ending is copy.
func TestOutletFurniture(t *testing.T) {
	library, train, sitIn := testLibrary+"\n\n"+testFooter, testTrain+"\n\n"+testFooter, testSitIn+"\n\n"+testFooter
	trainEcho := "Subscribers get the day's top stories delivered to your inbox, and follow the Daily Courier on social media, the railway's owners said on Wednesday.\n\n" + train
	trainReuse := testTrain + "\n\n" + strings.Split(testLibrary, "\n\n")[1] + "\n\n" + testFooter
	for _, c := range []struct {
		name         string
		a, b         *align.Doc
		want         Relation
		copyA, copyB int // words in copy passages
	}{
		{"one outlet, two stories", doc(library, "Daily Courier"), doc(train, " daily  courier"), Unrelated, 0, 0},
		{"two outlets", doc(library, "Daily Courier"), doc(train, "The Gazette"), Partial, 37, 37},
		{"no outlet", doc(library, ""), doc(train, ""), Partial, 37, 37},
		{"one outlet, a paragraph reused", doc(library, "Daily Courier"), doc(sitIn, "Daily Courier"), Partial, 30, 30},
		// The footer's "delivered to your inbox" phrase in the other's body is
		// the ending's words again, not copy.
		{"one outlet, a phrase of the ending in a body", doc(library, "Daily Courier"), doc(trainEcho, "Daily Courier"), Unrelated, 0, 0},
		// A paragraph of the library story reused just before the train
		// story's footer is copy, though it adjoins the ending.
		{"one outlet, a paragraph reused before the ending", doc(library, "Daily Courier"), doc(trainReuse, "Daily Courier"), Partial, 30, 30},
	} {
		r, err := Verify(context.Background(), c.a, c.b)
		if err != nil {
			t.Fatal(err)
		}
		if got := byPassages(&r); got != c.want || r.CopyA != c.copyA || r.CopyB != c.copyB {
			t.Errorf("%s: %s by passages, copy %d/%d words; want %s, %d/%d", c.name, got, r.CopyA, r.CopyB, c.want, c.copyA, c.copyB)
		}
	}
}
