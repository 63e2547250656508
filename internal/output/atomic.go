package output

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
)

// WriteOutput writes an output named on the command line: "-" is
// stdout, anything else goes through WriteFileAtomic.
func WriteOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		return write(stdout)
	}
	return WriteFileAtomic(path, write)
}

// IsStream reports whether path names something other than a regular file
// or a new path: "-", a device, a FIFO or a socket (after following
// symlinks). WriteFileAtomic writes such a path through, not by rename.
func IsStream(path string) bool {
	if path == "-" {
		return true
	}
	info, err := os.Stat(path)
	return err == nil && !info.Mode().IsRegular() && !info.IsDir()
}

// WriteFileAtomic writes path through write, choosing by what path is:
//
//   - a regular file or a new path: readers only ever see the old file or
//     the whole new one. It writes a temporary file in the same directory,
//     syncs it and renames it into place; if write fails (or the run is
//     interrupted before the rename), path is left as it was. A replaced
//     file keeps its permission bits; a new one is 0644.
//   - a symlink: it is followed (through every link) and its target is
//     replaced as above; the link stays. A dangling link's target is created.
//   - a device, FIFO or socket: written through directly, never replaced
//     (so "-o /dev/null" run as root leaves /dev/null a device).
//   - a directory: an error.
//
// A path whose directory does not exist gets an error naming the directory.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	target, err := resolveLinks(path)
	if err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	info, err := os.Stat(target)
	switch {
	case err == nil && info.IsDir():
		return fmt.Errorf("%s: is a directory", path)
	case err == nil && !info.Mode().IsRegular():
		return writeThrough(path, info, write)
	case err == nil:
		mode = info.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	if d, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: directory %s does not exist", path, filepath.Clean(dir))
		}
		return fmt.Errorf("%s: %w", path, err)
	} else if !d.IsDir() {
		return fmt.Errorf("%s: %s is not a directory", path, filepath.Clean(dir))
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: cannot write in %s: %w", path, filepath.Clean(dir), errors.Unwrap(err))
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
	if err := os.Chmod(name, mode); err != nil {
		return err
	}
	if err := os.Rename(name, target); err != nil {
		return fmt.Errorf("%s: %w", path, errors.Unwrap(err))
	}
	return nil
}

// maxLinks is how many symlinks resolveLinks follows, as Linux's
// MAXSYMLINKS (40) does for a path.
const maxLinks = 40

// resolveLinks follows path while it is a symlink and returns the path it
// ends at, which may not exist (a dangling link's target). Only the last
// element is followed: links in the directories are left to the kernel.
func resolveLinks(path string) (string, error) {
	for range maxLinks {
		info, err := os.Lstat(path)
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		dest, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// writeThrough writes to a device, FIFO or socket in place. A socket cannot
// be opened; a Unix stream socket is connected to instead.
func writeThrough(path string, info fs.FileInfo, write func(io.Writer) error) error {
	var w io.WriteCloser
	if info.Mode()&fs.ModeSocket != 0 {
		c, err := net.Dial("unix", path)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		w = c
	} else {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		w = f
	}
	if err := write(w); err != nil {
		w.Close()
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
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
	return WriteDirAtomicContext(context.Background(), dir, files)
}

// WriteDirAtomicContext is WriteDirAtomic stopped by ctx: it looks at ctx
// before each file and once more before the swap, and once ctx is done it
// returns ctx's error, leaving dir as it was.
func WriteDirAtomicContext(ctx context.Context, dir string, files []File) error {
	target, err := resolveLinks(filepath.Clean(dir))
	if err != nil {
		return err
	}
	dir = filepath.Clean(target) // a symlink's target is replaced; the link stays
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := replaceable(dir); err != nil {
		return err
	}
	if _, err := os.Stat(parent); err != nil && errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: directory %s does not exist", dir, filepath.Clean(parent))
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.Name != filepath.Base(f.Name) || f.Name == "." || f.Name == ".." {
			return fmt.Errorf("%s: bad file name %q", dir, f.Name)
		}
		if err := writeSynced(filepath.Join(tmp, f.Name), f.Write); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr // stopped, not failed
			}
			return fmt.Errorf("%s: %w", filepath.Join(dir, f.Name), err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return err // the last moment to leave dir as it was
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
