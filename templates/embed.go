// Package templates holds the HTML templates and CSS of the report,
// embedded into the binary so that it needs no files beside it.
package templates

import "embed"

// FS holds every template (*.html) and stylesheet (*.css) of this folder,
// and compare serve's page templates (serve/*.html).
//
//go:embed *.html *.css serve/*.html
var FS embed.FS
