package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
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
// and font they name (fonts: those of the fonts.css the pages link, which
// a browser loads only when the page uses them: an upper bound).
type FirstVisit struct {
	Files int
	Wire  int // bytes on the wire (compressed where the server compresses)
	Raw   int // bytes uncompressed
	// CacheControl is the static files' Cache-Control.
	CacheControl string
	Fonts        int // of Wire, the fonts
}

func (f FirstVisit) String() string {
	return fmt.Sprintf("%d files, %s on the wire (%s uncompressed, fonts %s), static files %q",
		f.Files, kb(f.Wire), kb(f.Raw), kb(f.Fonts), f.CacheControl)
}

var (
	assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"#]+)"`)
	fontRef  = regexp.MustCompile(`url\(["']?([^)"']+\.woff2)["']?\)`)
)

// firstVisit signs in as the director on a fresh client, as a browser on
// its first visit, and adds up what it downloads.
func firstVisit(ctx context.Context, base string) (FirstVisit, error) {
	var f FirstVisit
	anon := &client{http: newHTTPClient(), base: base}
	seen := map[string]bool{}
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
		}
		return r.body, nil
	}
	assets := func(c *client, page []byte, dir string) error {
		for _, m := range assetRef.FindAllSubmatch(page, -1) {
			path := string(m[1])
			if seen[path] {
				continue
			}
			seen[path] = true
			body, err := fetch(c, path)
			if err != nil {
				return err
			}
			if strings.Contains(path, "/fonts.css") {
				for _, fm := range fontRef.FindAllSubmatch(body, -1) {
					ref, err := url.Parse(string(fm[1]))
					if err != nil {
						return err
					}
					base, _ := url.Parse(path)
					font := base.ResolveReference(ref).Path
					if !seen[font] {
						seen[font] = true
						if _, err := fetch(c, font); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	}
	page, err := fetch(anon, paths.SignIn)
	if err != nil {
		return f, err
	}
	if err := assets(anon, page, "/"); err != nil {
		return f, err
	}
	dir, err := signIn(ctx, base, "direttore@traguardo.test")
	if err != nil {
		return f, err
	}
	page, err = fetch(dir, paths.Dashboard(2023))
	if err != nil {
		return f, err
	}
	return f, assets(dir, page, "/")
}

func kb(n int) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) }
