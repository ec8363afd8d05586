package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ContentSecurityPolicy is sent with every answer. Pages load their script
// and styles only from ringcard itself and hold no inline script, event
// handler or style attribute (what data must style, app.js styles from
// data-* attributes), so an injected <script> or onclick= never runs;
// images may be data: URLs (the pairing QR code); nothing may frame the
// pages or take a form elsewhere.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// SecurityHeaders sets the headers every answer carries: the CSP, no MIME
// sniffing, no framing, and no full URL (which may hold a search) in the
// Referer sent to other sites.
func SecurityHeaders(c *gin.Context) {
	hd := c.Writer.Header()
	hd.Set("Content-Security-Policy", ContentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	c.Next()
}

// assetsVersion changes whenever app.css or app.js does.
var assetsVersion = func() string {
	sum := sha256.New()
	sum.Write(appCSS)
	sum.Write(appJS)
	return hex.EncodeToString(sum.Sum(nil))[:12]
}()

// serveStatic answers /static/app.css and /static/app.js, to anyone (the
// sign-in page needs them). A URL with the current version is cached for a
// year; any other is revalidated.
func serveStatic(contentType string, body []byte) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Query("v") == assetsVersion {
			c.Header("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			c.Header("Cache-Control", "no-cache")
		}
		c.Data(http.StatusOK, contentType, body)
	}
}
