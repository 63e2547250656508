package pipeline

import (
	"encoding/json"

	"github.com/copydesk/copydesk/internal/synth"
)

func jsonLine(a *synth.Article) ([]byte, error) { return json.Marshal(a) }
