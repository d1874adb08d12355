package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"traguardo/web/paths"

	"golang.org/x/net/html"
)

// progressForm reads the fields of the progress form of page as a browser
// would send them, and names the report's text field.
func progressForm(page []byte) (url.Values, string, error) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, "", err
	}
	form := url.Values{}
	var inForm bool
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			a := attrs(n)
			switch n.Data {
			case "form":
				if a["method"] == "post" && strings.Contains(a["action"], "/avanzamento") {
					inForm = true
					defer func() { inForm = false }()
				}
			case "input":
				if inForm && a["name"] != "" {
					switch a["type"] {
					case "checkbox", "radio":
						if _, on := a["checked"]; on {
							form.Add(a["name"], a["value"])
						}
					case "submit", "button":
					default:
						form.Add(a["name"], a["value"])
					}
				}
			case "textarea":
				if inForm && a["name"] != "" {
					var text strings.Builder
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type == html.TextNode {
							text.WriteString(c.Data)
						}
					}
					form.Add(a["name"], text.String())
				}
			case "select":
				if inForm && a["name"] != "" {
					value, first := "", true
					for o := range n.Descendants() {
						if o.Type == html.ElementNode && o.Data == "option" {
							oa := attrs(o)
							if _, sel := oa["selected"]; sel || first {
								value = oa["value"]
							}
							first = false
						}
					}
					form.Add(a["name"], value)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(form) == 0 {
		return nil, "", fmt.Errorf("no progress form on the page")
	}
	if _, ok := form["text_html"]; !ok {
		return nil, "", fmt.Errorf("the progress form has no text_html field: %v", form)
	}
	return form, "text_html", nil
}

func attrs(n *html.Node) map[string]string {
	m := map[string]string{}
	for _, a := range n.Attr {
		m[a.Key] = a.Val
	}
	return m
}

// FirstVisit is what a browser with an empty cache downloads to sign in and
// open the dashboard: the two pages and every stylesheet, script, image
// and font they name. Fonts: every @font-face of the fonts.css the pages
// link, but for one whose unicode-range holds no character of the two
// pages (a browser does not fetch it): an upper bound of what a browser
// fetches, which is only the faces a page's text is drawn in.
type FirstVisit struct {
	Files int
	Wire  int // bytes on the wire (compressed where the server compresses)
	Raw   int // bytes uncompressed
	// CacheControl is the static files' Cache-Control.
	CacheControl string
	Fonts        int // of Wire, the fonts
	FontFiles    int // of Files, the fonts
}

func (f FirstVisit) String() string {
	return fmt.Sprintf("%d files, %s on the wire (%s uncompressed; of which %d fonts, %s), static files %q",
		f.Files, kb(f.Wire), kb(f.Raw), f.FontFiles, kb(f.Fonts), f.CacheControl)
}

var (
	assetRef     = regexp.MustCompile(`(?:href|src)="(/static/[^"#]+)"`)
	fontFaceRule = regexp.MustCompile(`@font-face\s*\{([^}]*)\}`)
	fontRef      = regexp.MustCompile(`url\(["']?([^)"']+\.woff2)["']?\)`)
	fontRange    = regexp.MustCompile(`unicode-range:\s*([^;]+)`)
)

// fontFace is a font a stylesheet declares: its path and the characters it
// is for (nil: all).
type fontFace struct {
	path   string
	ranges [][2]rune
}

// covers reports whether the face is for one of chars.
func (f fontFace) covers(chars map[rune]bool) bool {
	if f.ranges == nil {
		return true
	}
	for c := range chars {
		for _, r := range f.ranges {
			if r[0] <= c && c <= r[1] {
				return true
			}
		}
	}
	return false
}

// fontFaces reads the @font-face rules of the stylesheet css, served at
// path: each font's path and unicode-range.
func fontFaces(css []byte, path string) ([]fontFace, error) {
	base, err := url.Parse(path)
	if err != nil {
		return nil, err
	}
	var out []fontFace
	for _, rule := range fontFaceRule.FindAllSubmatch(css, -1) {
		m := fontRef.FindSubmatch(rule[1])
		if m == nil {
			return nil, fmt.Errorf("%s: a @font-face without a woff2 url: %.200s", path, rule[1])
		}
		ref, err := url.Parse(string(m[1]))
		if err != nil {
			return nil, err
		}
		f := fontFace{path: base.ResolveReference(ref).Path}
		if r := fontRange.FindSubmatch(rule[1]); r != nil {
			if f.ranges, err = unicodeRanges(string(r[1])); err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
		}
		out = append(out, f)
	}
	return out, nil
}

// unicodeRanges parses a unicode-range value: "U+0000-00FF, U+0131, U+4??".
func unicodeRanges(v string) ([][2]rune, error) {
	var out [][2]rune
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		hex, ok := strings.CutPrefix(strings.ToUpper(part), "U+")
		if !ok {
			return nil, fmt.Errorf("unicode-range %q", part)
		}
		lo, hi, isRange := strings.Cut(hex, "-")
		if !isRange {
			lo, hi = strings.ReplaceAll(hex, "?", "0"), strings.ReplaceAll(hex, "?", "F")
		}
		a, err1 := strconv.ParseUint(lo, 16, 32)
		b, err2 := strconv.ParseUint(hi, 16, 32)
		if err1 != nil || err2 != nil || a > b {
			return nil, fmt.Errorf("unicode-range %q", part)
		}
		out = append(out, [2]rune{rune(a), rune(b)})
	}
	return out, nil
}

// firstVisit signs in as the director on a fresh client, as a browser on
// its first visit, and adds up what it downloads.
func firstVisit(ctx context.Context, base string) (FirstVisit, error) {
	var f FirstVisit
	anon := &client{http: newHTTPClient(), base: base}
	seen := map[string]bool{}
	chars := map[rune]bool{}
	var faces []fontFace
	fetch := func(c *client, path string) ([]byte, error) {
		r, err := c.get(ctx, path, true)
		if err != nil {
			return nil, err
		}
		if r.status != http.StatusOK {
			return nil, fmt.Errorf("GET %s: status %d", path, r.status)
		}
		f.Files++
		f.Wire += r.wire
		f.Raw += len(r.body)
		if strings.HasPrefix(path, "/static/") && f.CacheControl == "" {
			f.CacheControl = r.header.Get("Cache-Control")
		}
		if strings.Contains(path, ".woff2") {
			f.Fonts += r.wire
			f.FontFiles++
		}
		return r.body, nil
	}
	page := func(c *client, path string) error {
		body, err := fetch(c, path)
		if err != nil {
			return err
		}
		for _, r := range html.UnescapeString(string(body)) {
			chars[r] = true
		}
		for _, m := range assetRef.FindAllSubmatch(body, -1) {
			path := html.UnescapeString(string(m[1]))
			if seen[path] {
				continue
			}
			seen[path] = true
			body, err := fetch(c, path)
			if err != nil {
				return err
			}
			if strings.HasSuffix(strings.SplitN(path, "?", 2)[0], ".css") {
				ff, err := fontFaces(body, path)
				if err != nil {
					return err
				}
				faces = append(faces, ff...)
			}
		}
		return nil
	}
	if err := page(anon, paths.SignIn); err != nil {
		return f, err
	}
	dir, err := signIn(ctx, base, "direttore@traguardo.test")
	if err != nil {
		return f, err
	}
	if err := page(dir, paths.Dashboard(2023)); err != nil {
		return f, err
	}
	// The fonts, once both pages are known.
	for _, face := range faces {
		if seen[face.path] || !face.covers(chars) {
			continue
		}
		seen[face.path] = true
		if _, err := fetch(dir, face.path); err != nil {
			return f, err
		}
	}
	if f.FontFiles == 0 {
		return f, fmt.Errorf("the pages declare no font")
	}
	return f, nil
}

func kb(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }
