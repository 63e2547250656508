// Package templates holds the HTML templates and CSS of the report,
// embedded into the binary so that it needs no files beside it.
package templates

import "embed"

// FS holds every template (*.html) and stylesheet (*.css) of this folder.
//
//go:embed *.html *.css
var FS embed.FS
