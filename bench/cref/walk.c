// walk: the reference parallel metadata walker, the practical ceiling of the machine.
//
//   walk ROOT THREADS
//
// Reads every directory with getdents64 and lstats every entry with
// fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW), relative to the directory's fd, so the kernel
// never resolves a whole path and paths longer than PATH_MAX are no problem. Directories
// to read go on one shared stack (mutex + condition variable) served by THREADS threads.
// It prints nothing but a final "entries=N" (ROOT included, like find's line count) on
// stderr, followed by " errors=N" when some entries could not be read.
//
// No paths are kept at all: each queued directory holds a reference to its parent's open
// fd and opens itself with openat(parent_fd, name). A parent's fd is closed once all of its
// subdirectories have opened theirs, so the number of open fds stays near depth x threads.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

struct dir {
  struct dir *parent;  // dropped as soon as this directory has its own fd
  struct dir *next;    // link in the shared stack
  int fd;
  int refs;            // 1 while being read + 1 for each subdirectory not yet opened
  char name[];         // name within parent
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct dir *stack;  // LIFO: depth-first order keeps few parent fds open
static long outstanding;   // directories queued or being read; 0 means the walk is done

static const char *root_path;

struct counts {
  long entries, errors;
};

static void release(struct dir *d) {
  if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) == 0) {
    if (d->fd >= 0) close(d->fd);
    free(d);
  }
}

// Pushes a batch of subdirectories under one lock, rather than one lock round per entry.
static void push(struct dir *head, struct dir *tail, long n) {
  pthread_mutex_lock(&lock);
  tail->next = stack;
  stack = head;
  outstanding += n;
  if (n > 1) pthread_cond_broadcast(&wake);
  else pthread_cond_signal(&wake);
  pthread_mutex_unlock(&lock);
}

// Returns the next directory, or NULL once nothing is queued and no thread can add more.
static struct dir *pop(void) {
  pthread_mutex_lock(&lock);
  while (!stack && outstanding > 0) pthread_cond_wait(&wake, &lock);
  struct dir *d = stack;
  if (d) stack = d->next;
  pthread_mutex_unlock(&lock);
  return d;
}

static void done_one(void) {
  pthread_mutex_lock(&lock);
  if (--outstanding == 0) pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
}

static void read_dir(struct dir *d, char *buf, size_t bufsize, struct counts *c) {
  int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  d->fd = d->parent ? openat(d->parent->fd, d->name, flags) : open(root_path, flags & ~O_NOFOLLOW);
  if (d->parent) release(d->parent);
  d->parent = NULL;
  if (d->fd < 0) {
    c->errors++;
    return;
  }
  for (;;) {
    long n = syscall(SYS_getdents64, d->fd, buf, bufsize);
    if (n <= 0) {
      if (n < 0) c->errors++;
      return;
    }
    struct dir *head = NULL, *tail = NULL;
    long found = 0;
    for (long off = 0; off < n;) {
      struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
      off += e->d_reclen;
      const char *name = e->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      struct stat st;
      if (fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        c->errors++;
        continue;
      }
      c->entries++;
      if (!S_ISDIR(st.st_mode)) continue;
      size_t len = strlen(name);
      struct dir *sub = malloc(sizeof *sub + len + 1);
      if (!sub) {
        c->errors++;
        continue;
      }
      memcpy(sub->name, name, len + 1);
      sub->parent = d;
      sub->fd = -1;
      sub->refs = 1;
      sub->next = head;
      __atomic_add_fetch(&d->refs, 1, __ATOMIC_ACQ_REL);
      if (!tail) tail = sub;
      head = sub;
      found++;
    }
    // Queued per getdents buffer, so other threads can start on a huge directory's
    // subdirectories before this one has been read to the end.
    if (head) push(head, tail, found);
  }
}

static void *worker(void *arg) {
  struct counts *c = arg;
  size_t bufsize = 64 * 1024;
  char *buf = malloc(bufsize);
  if (!buf) {
    perror("malloc");
    exit(1);
  }
  struct dir *d;
  while ((d = pop())) {
    read_dir(d, buf, bufsize, c);
    release(d);
    done_one();
  }
  free(buf);
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc == 3 ? atoi(argv[2]) : 0;
  if (threads < 1) {
    fprintf(stderr, "usage: walk ROOT THREADS\n");
    return 2;
  }
  root_path = argv[1];

  // Directories waiting for their children hold fds: allow as many as the hard limit does.
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  struct counts *counts = calloc(threads, sizeof *counts);
  struct stat st;
  if (!counts || lstat(root_path, &st) != 0) {
    perror(root_path);
    return 1;
  }
  counts[0].entries = 1;

  struct dir *root = calloc(1, sizeof *root + 1);
  root->fd = -1;
  root->refs = 1;
  push(root, root, 1);

  pthread_t *tids = calloc(threads, sizeof *tids);
  for (int i = 0; i < threads; i++) {
    int rc = pthread_create(&tids[i], NULL, worker, &counts[i]);
    if (rc != 0) {
      fprintf(stderr, "pthread_create: %s\n", strerror(rc));
      return 1;
    }
  }
  long entries = 0, errors = 0;
  for (int i = 0; i < threads; i++) {
    pthread_join(tids[i], NULL);
    entries += counts[i].entries;
    errors += counts[i].errors;
  }
  if (errors) fprintf(stderr, "entries=%ld errors=%ld\n", entries, errors);
  else fprintf(stderr, "entries=%ld\n", entries);
  return errors ? 1 : 0;
}
