package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes a file through write so that readers only ever see
// the old file or the whole new one: it writes a temporary file in the same
// directory, syncs it and renames it into place. If write fails (or the run
// is interrupted before the rename), path is left as it was.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.Chmod(name, 0o644); err != nil {
		return err
	}
	return os.Rename(name, path)
}

// File is one file of a directory written by WriteDirAtomic.
type File struct {
	Name  string // a plain file name, no directory
	Write func(io.Writer) error
}

// WriteDirAtomic writes files into a new directory beside dir and then
// swaps it in, so that dir holds the previous set of files or the whole new
// one, never a mix: an interrupted run leaves the old directory (or, in the
// instant between the two renames, none, with the old one kept beside it
// as .NAME.old-*). To keep a mistyped -o from replacing a directory of
// other files, an existing dir is replaced only when it holds nothing but
// regular files of the kinds a report writes (*.html, *.json).
func WriteDirAtomic(dir string, files []File) error {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := replaceable(dir); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, f := range files {
		if f.Name != filepath.Base(f.Name) || f.Name == "." || f.Name == ".." {
			return fmt.Errorf("%s: bad file name %q", dir, f.Name)
		}
		if err := writeSynced(filepath.Join(tmp, f.Name), f.Write); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, f.Name), err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		o, err := os.MkdirTemp(parent, "."+base+".old-*")
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		old = filepath.Join(o, base)
		if err := os.Rename(dir, old); err != nil {
			os.Remove(o)
			return fmt.Errorf("%s: %w", dir, err)
		}
		defer os.RemoveAll(o)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir) // put the old report back
		}
		return fmt.Errorf("%s: %w", dir, err)
	}
	if d, err := os.Open(parent); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// replaceable checks that dir is absent, or a directory of report files.
func replaceable(dir string) error {
	info, err := os.Lstat(dir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("%s: exists and is not a directory", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if !e.Type().IsRegular() || ext != ".html" && ext != ".json" {
			return fmt.Errorf("%s: holds %s, which a report does not write; not replacing it (choose another directory)", dir, e.Name())
		}
	}
	return nil
}

func writeSynced(name string, write func(io.Writer) error) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
