package web

// Catalogue exposes the catalogue to the browser tests, which check pages
// against it.
func Catalogue() map[string][3]string { return catalogue }
