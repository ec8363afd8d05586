// Package ringcard holds what the binary embeds from the repository's top
// level: the demo data set in testdata/.
package ringcard

import _ "embed"

// DemoData is testdata/demo.json, loaded by `ringcard serve --demo`.
//
//go:embed testdata/demo.json
var DemoData []byte
