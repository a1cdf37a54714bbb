// chart-render renders a Helm v3 chart the way `helm template` does, for CI
// machines that have no helm binary (Debian does not package Helm).
//
// It is built from Debian's Go packages only (GOPATH mode, no network): Go's
// text/template, the same sprig function library Helm uses, and
// sigs.k8s.io/yaml, the YAML library Helm uses for values and toYaml. What it
// reproduces from Helm 3's engine (pkg/engine, pkg/chartutil, pkg/releaseutil):
//
//   - values: values.yaml coalesced with -f files (deep merge, later wins,
//     null deletes a key), parsed through YAML->JSON so numbers are float64
//     exactly as in Helm;
//   - one template set per chart: every file under templates/ is parsed under
//     the name "<chart>/templates/<file>", partials ("_*") are not output,
//     NOTES.txt is rendered apart;
//   - the top-level object: .Values .Release .Chart .Capabilities .Template .Files;
//   - functions: sprig's (less env/expandenv, as Helm removes them), include,
//     tpl, required, fail, toYaml, fromYaml, fromYamlArray, toJson, fromJson,
//     fromJsonArray, lookup (always empty, as in `helm template`);
//   - missingkey=zero and "<no value>" removal, or missingkey=error with --strict
//     (as `helm lint --strict`);
//   - the chart's kubeVersion constraint checked against --kube-version;
//   - each document parsed as a Kubernetes object head (apiVersion/kind), and
//     the output sorted in Helm's install order with "# Source:" comments.
//
// Not reproduced: subcharts/dependencies, values.schema.json (the chart has
// none), toToml, .Files.Glob's full glob syntax (path.Match is used), hooks
// ordering, and post-renderers. The chart does not use any of them.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	semver "github.com/Masterminds/semver" // Debian installs v3 here (GOPATH mode)
	sprig "github.com/Masterminds/sprig"   // v3, as Helm 3 uses
	"sigs.k8s.io/yaml"
)

// Metadata mirrors helm.sh/helm/v3/pkg/chart.Metadata, so .Chart.X behaves as in
// Helm (a struct: an unknown field is an error, not an empty value).
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []interface{}     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []interface{}     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// Release mirrors the fields Helm puts under .Release for an install.
type Release struct {
	Name      string
	Namespace string
	IsUpgrade bool
	IsInstall bool
	Revision  int
	Service   string
}

// KubeVersion and Capabilities mirror chartutil's.
type KubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (kv KubeVersion) String() string { return kv.Version }

type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
}

// Files mirrors helm's engine.files: every chart file that is not a template,
// Chart.yaml or values.yaml, keyed by its slash path in the chart.
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }
func (f Files) Glob(pattern string) Files {
	out := Files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}
func (f Files) AsConfig() string {
	m := map[string]string{}
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	return toYAML(m)
}
func (f Files) AsSecrets() string {
	m := map[string]string{}
	for k, v := range f {
		m[path.Base(k)] = sprig.TxtFuncMap()["b64enc"].(func(interface{}) string)(string(v))
	}
	return toYAML(m)
}
func (f Files) Lines(name string) []string {
	s := string(f[name])
	if s == "" {
		return []string{}
	}
	return strings.Split(s, "\n")
}

// toYAML is Helm's toYaml: sigs.k8s.io/yaml, trailing newline trimmed.
func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	var valueFiles stringList
	chartDir := flag.String("chart", "", "chart directory (required)")
	flag.Var(&valueFiles, "f", "values file applied over values.yaml (repeatable, later wins)")
	releaseName := flag.String("release-name", "voc", "release name (.Release.Name)")
	namespace := flag.String("namespace", "default", "namespace (.Release.Namespace)")
	kubeVersion := flag.String("kube-version", "v1.27.1", "Kubernetes version for .Capabilities and the kubeVersion check")
	strict := flag.Bool("strict", false, "fail on a reference to a missing map key (as `helm lint --strict`)")
	out := flag.String("o", "-", "where to write the manifests ('-' = stdout)")
	notesOut := flag.String("notes-out", "", "where to write the rendered NOTES.txt (optional)")
	valuesOut := flag.String("values-out", "", "where to write the coalesced values as JSON (optional)")
	flag.Parse()
	if *chartDir == "" {
		fmt.Fprintln(os.Stderr, "usage: chart-render -chart DIR [-f values.yaml]... [-o out.yaml]")
		os.Exit(2)
	}
	if err := run(*chartDir, valueFiles, *releaseName, *namespace, *kubeVersion, *strict, *out, *notesOut, *valuesOut); err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
		os.Exit(1)
	}
}

func run(chartDir string, valueFiles []string, releaseName, namespace, kubeVersion string, strict bool, out, notesOut, valuesOut string) error {
	var meta Metadata
	raw, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		return fmt.Errorf("Chart.yaml: %w", err)
	}
	if meta.APIVersion != "v2" || meta.Name == "" || meta.Version == "" {
		return errors.New("Chart.yaml: apiVersion v2, name and version are required")
	}
	if _, err := semver.StrictNewVersion(meta.Version); err != nil {
		return fmt.Errorf("Chart.yaml: version %q is not strict SemVer 2: %w", meta.Version, err)
	}
	if len(meta.Dependencies) > 0 {
		return errors.New("chart-render does not support chart dependencies")
	}

	caps, err := capabilities(kubeVersion)
	if err != nil {
		return err
	}
	if meta.KubeVersion != "" {
		c, err := semver.NewConstraint(meta.KubeVersion)
		if err != nil {
			return fmt.Errorf("Chart.yaml kubeVersion: %w", err)
		}
		if !c.Check(semver.MustParse(caps.KubeVersion.Version)) {
			return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", meta.KubeVersion, caps.KubeVersion.Version)
		}
	}

	values, err := readValues(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return err
	}
	for _, f := range valueFiles {
		user, err := readValues(f)
		if err != nil {
			return err
		}
		values = coalesce(user, values)
	}
	if valuesOut != "" {
		data, _ := json.MarshalIndent(values, "", "  ")
		if err := os.WriteFile(valuesOut, append(data, '\n'), 0o644); err != nil {
			return err
		}
	}

	templates, files, err := loadChart(chartDir, meta.Name)
	if err != nil {
		return err
	}

	top := map[string]interface{}{
		"Values":       values,
		"Release":      Release{Name: releaseName, Namespace: namespace, IsInstall: true, Revision: 1, Service: "Helm"},
		"Chart":        &meta,
		"Capabilities": caps,
		"Files":        files,
	}
	rendered, err := render(templates, top, strict)
	if err != nil {
		return err
	}

	notesName := meta.Name + "/templates/NOTES.txt"
	if notesOut != "" {
		if err := os.WriteFile(notesOut, []byte(rendered[notesName]), 0o644); err != nil {
			return err
		}
	}
	delete(rendered, notesName)

	manifests, err := sortManifests(rendered)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	for _, m := range manifests {
		fmt.Fprintf(&buf, "---\n# Source: %s\n%s\n", m.source, m.content)
	}
	if out == "-" {
		_, err = os.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

func capabilities(v string) (Capabilities, error) {
	sv, err := semver.NewVersion(v)
	if err != nil {
		return Capabilities{}, fmt.Errorf("--kube-version: %w", err)
	}
	ver := "v" + sv.String()
	// The built-in API groups this chart may ask about with .Capabilities.APIVersions.Has.
	apis := VersionSet{"v1", "apps/v1", "batch/v1", "networking.k8s.io/v1", "policy/v1",
		"autoscaling/v2", "rbac.authorization.k8s.io/v1", "apps/v1/Deployment", "v1/Service",
		"v1/ConfigMap", "networking.k8s.io/v1/Ingress"}
	return Capabilities{
		KubeVersion: KubeVersion{Version: ver, GitVersion: ver,
			Major: fmt.Sprint(sv.Major()), Minor: fmt.Sprint(sv.Minor())},
		APIVersions: apis,
	}, nil
}

// readValues parses a values file as Helm does (sigs.k8s.io/yaml: YAML -> JSON ->
// map), so integers become float64 and keys are strings.
func readValues(file string) (map[string]interface{}, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	v := map[string]interface{}{}
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("failed to parse %s: %w", file, err)
	}
	return v, nil
}

// coalesce merges src (user values) over dst (chart defaults) like
// chartutil.CoalesceTables: maps merge recursively, src wins, and a null in src
// deletes the key. Neither input is modified.
func coalesce(src, dst map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if v == nil {
			delete(out, k)
			continue
		}
		sm, sok := v.(map[string]interface{})
		dm, dok := out[k].(map[string]interface{})
		if sok && dok {
			out[k] = coalesce(sm, dm)
		} else {
			out[k] = v
		}
	}
	return out
}

// loadChart reads templates/ and the chart's other files, honouring .helmignore
// for the common pattern forms (name, *.ext, dir/).
func loadChart(dir, chartName string) (map[string]string, Files, error) {
	var ignore []string
	if data, err := os.ReadFile(filepath.Join(dir, ".helmignore")); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "#") {
				ignore = append(ignore, line)
			}
		}
	}
	ignored := func(rel string, isDir bool) bool {
		for _, p := range ignore {
			pat := strings.TrimSuffix(p, "/")
			if strings.HasSuffix(p, "/") && !isDir {
				continue
			}
			if ok, _ := path.Match(pat, rel); ok {
				return true
			}
			if ok, _ := path.Match(pat, path.Base(rel)); ok {
				return true
			}
		}
		return false
	}
	templates := map[string]string{}
	files := Files{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ignored(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel == "charts" {
				return errors.New("chart-render does not support subcharts (charts/)")
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "templates/"):
			templates[chartName+"/"+rel] = string(data)
		case rel == "Chart.yaml" || rel == "values.yaml" || rel == "values.schema.json" || rel == ".helmignore":
		default:
			files[rel] = data
		}
		return nil
	})
	return templates, files, err
}

const recursionMax = 1000

// render is Helm's engine.render for a chart without subcharts.
func render(templates map[string]string, top map[string]interface{}, strict bool) (map[string]string, error) {
	t := template.New("gotpl")
	if strict {
		t.Option("missingkey=error")
	} else {
		t.Option("missingkey=zero")
	}

	funcs := sprig.TxtFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["fromYamlArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := yaml.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	funcs["toJson"] = func(v interface{}) string {
		data, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(data)
	}
	funcs["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	funcs["fromJsonArray"] = func(s string) []interface{} {
		a := []interface{}{}
		if err := json.Unmarshal([]byte(s), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	funcs["toToml"] = func(interface{}) (string, error) {
		return "", errors.New("toToml is not supported by chart-render")
	}
	funcs["required"] = func(warn string, val interface{}) (interface{}, error) {
		if val == nil {
			return val, errors.New(warn)
		}
		if s, ok := val.(string); ok && s == "" {
			return val, errors.New(warn)
		}
		return val, nil
	}
	funcs["fail"] = func(msg string) (string, error) { return "", errors.New(msg) }
	// `helm template` has no cluster: lookup always finds nothing.
	funcs["lookup"] = func(string, string, string, string) (map[string]interface{}, error) {
		return map[string]interface{}{}, nil
	}
	included := map[string]int{}
	funcs["include"] = func(name string, data interface{}) (string, error) {
		if included[name] > recursionMax {
			return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
		}
		included[name]++
		defer func() { included[name]-- }()
		var buf strings.Builder
		err := t.ExecuteTemplate(&buf, name, data)
		return buf.String(), err
	}
	funcs["tpl"] = func(text string, vals map[string]interface{}) (string, error) {
		clone, err := t.Clone()
		if err != nil {
			return "", err
		}
		clone.Option("missingkey=zero")
		name := "tpl"
		if tmpl, ok := vals["Template"].(map[string]interface{}); ok {
			if n, ok := tmpl["Name"].(string); ok {
				name = n
			}
		}
		if _, err := clone.New(name).Parse(text); err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", text, err)
		}
		var buf strings.Builder
		if err := clone.ExecuteTemplate(&buf, name, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", text, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	t.Funcs(funcs)

	names := make([]string, 0, len(templates))
	for name := range templates {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := t.New(name).Parse(templates[name]); err != nil {
			return nil, fmt.Errorf("parse error in %s: %w", name, err)
		}
	}

	rendered := map[string]string{}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			continue
		}
		top["Template"] = map[string]interface{}{"Name": name, "BasePath": path.Dir(name)}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, name, top); err != nil {
			return nil, cleanupExecError(name, err)
		}
		s := buf.String()
		if !strict {
			s = strings.ReplaceAll(s, "<no value>", "")
		}
		rendered[name] = s
	}
	return rendered, nil
}

// cleanupExecError turns text/template's error into Helm's short form:
// "execution error at (chart/templates/x.yaml:12:3): message".
var execErrRe = regexp.MustCompile(`^template: (\S+?): executing ".*?" at <.*?>: error calling \w+: (.*)$`)

func cleanupExecError(name string, err error) error {
	msg := err.Error()
	// Errors raised inside include() are nested: keep the innermost location.
	for {
		m := execErrRe.FindStringSubmatch(msg)
		if m == nil {
			break
		}
		if execErrRe.MatchString(m[2]) {
			msg = m[2]
			continue
		}
		return fmt.Errorf("execution error at (%s): %s", m[1], m[2])
	}
	return fmt.Errorf("rendering %s: %s", name, msg)
}

type manifest struct {
	source, content, kind, name string
}

// installOrder is releaseutil.InstallOrder (Helm 3.x).
var installOrder = []string{"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota",
	"LimitRange", "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret",
	"SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
	"CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
	"ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service",
	"DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
	"APIService"}

var sep = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

// sortManifests splits every rendered file into documents (releaseutil.SplitManifests),
// checks each parses as an object with apiVersion and kind (as Helm does before
// installing), and sorts them in install order.
func sortManifests(rendered map[string]string) ([]manifest, error) {
	var all []manifest
	for name, content := range rendered {
		for _, doc := range sep.Split(content, -1) {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, fmt.Errorf("YAML parse error on %s: %w", name, err)
			}
			if head.APIVersion == "" || head.Kind == "" {
				// A document made only of comments is dropped by Helm too.
				var anything interface{}
				if yaml.Unmarshal([]byte(doc), &anything) == nil && anything == nil {
					continue
				}
				return nil, fmt.Errorf("%s: a document has no apiVersion or kind", name)
			}
			all = append(all, manifest{source: name, content: strings.TrimSpace(doc), kind: head.Kind, name: head.Metadata.Name})
		}
	}
	rank := func(kind string) int {
		for i, k := range installOrder {
			if k == kind {
				return i
			}
		}
		return len(installOrder)
	}
	sort.SliceStable(all, func(i, j int) bool {
		ri, rj := rank(all[i].kind), rank(all[j].kind)
		if ri != rj {
			return ri < rj
		}
		if all[i].kind != all[j].kind {
			return all[i].kind < all[j].kind
		}
		return all[i].name < all[j].name
	})
	return all, nil
}
