/*
 * pwalk_native: the optional fast path of the synchronous engine (Node-API 8, C).
 *
 * One call reads one directory: open, getdents64 until the end, sort the names
 * the way libuv's scandir (readdirSync) does (strcmp), then
 * fstatat(dirfd, name, AT_SYMLINK_NOFOLLOW) for every name, relative to the
 * directory's descriptor (no path is built per entry, so path length does not
 * matter). Every entry's stat fields and name go into ONE packed buffer; no JS
 * object is made per entry.
 *
 *   scan(at: number, base: Uint8Array, rel: Uint8Array, dev: number | bigint,
 *        ino: number | bigint, out: Uint8Array): number | Buffer
 *   listAsync(base, rel, dev, ino, done), statAsync(fd, rest, done): below
 *
 * opens the directory base+rel (bytes, not necessarily UTF-8; base+rel must be
 * shorter than PATH_MAX) relative to the descriptor `at` (-1: AT_FDCWD), never
 * through a symlink at its last component (O_NOFOLLOW: a user who can write in the
 * tree could swap the directory for a link after it was stat'ed), checks with
 * fstat that it is the directory (dev, ino) that was stat'ed, and returns
 *   - n >= 0: the entries fill out[0, n);
 *   - a new Buffer holding the entries when they do not fit in `out`;
 *   - -errno when the directory cannot be opened or listed (nothing else is
 *     returned then, as readdirSync throws); -ENOTDIR when a symlink is in its
 *     place, -ESTALE when another directory is.
 *
 * listAsync and statAsync (layout 3) do the same work in two calls on libuv's
 * thread pool, for the latency-bound engine.
 *
 * Entry layout: all integers little-endian, 80 bytes then the name; the next
 * entry follows the name directly (no padding). The walker's RawStatOffset
 * (src/raw-stat.ts) holds the same offsets; the two change together
 * (bump PWALK_RAW_LAYOUT).
 *
 *   off size type field
 *     0   2  u16  name length (bytes)
 *     2   2  u16  reserved, 0
 *     4   4  i32  errno of fstatat, 0 when it succeeded (then 8..79 are the
 *                 stat fields, else they are 0: ENOENT is an entry that vanished
 *                 between listing and stat)
 *     8   8  u64  st_ino
 *    16   8  u64  st_dev
 *    24   8  u64  st_size
 *    32   8  u64  st_blocks (512-byte units)
 *    40   4  u32  st_mode (type bits included)
 *    44   4  u32  st_uid
 *    48   4  u32  st_gid
 *    52   4  u32  st_nlink (low 32 bits)
 *    56   8  i64  atime seconds (floor, i.e. tv_sec: negative before 1970)
 *    64   8  i64  mtime seconds
 *    72   8  i64  ctime seconds
 *    80   n  name bytes, no terminator
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <node_api.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#define PWALK_RAW_LAYOUT 3
#define ENTRY_HEAD 80
#define DENTS_CHUNK (64 * 1024)

#ifndef AT_NO_AUTOMOUNT
#define AT_NO_AUTOMOUNT 0
#endif

static void put_u16(uint8_t* p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t* p, uint32_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(p, &v, 4);
#else
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
#endif
}

static void put_u64(uint8_t* p, uint64_t v) {
  put_u32(p, (uint32_t)v);
  put_u32(p + 4, (uint32_t)(v >> 32));
}

/* Names as offsets into the listing arena; sorted in place. */
typedef struct {
  char* arena;
  size_t used;
  size_t cap;
  uint32_t* names; /* offset of each name (NUL-terminated in the arena) */
  uint16_t* lens;
  uint8_t* types; /* d_type of each name (DT_UNKNOWN where the filesystem gives none) */
  size_t count;
  size_t names_cap;
} listing_t;

static void listing_free(listing_t* l) {
  free(l->arena);
  free(l->names);
  free(l->lens);
  free(l->types);
}

/*
 * Each thread's listing, kept from one directory to the next. Perf: a listing made
 * afresh per directory cost a 64 KiB malloc, a realloc to 128 KiB for getdents64's
 * second call (copying the first) and the frees: 0.2 CPU-s per million entries on the
 * bench corpus (perf: memmove, malloc, realloc), a tenth of the C walker's whole walk.
 */
static _Thread_local listing_t kept_listing;

/* Up to these sizes a listing's buffers are kept for the thread's next directory. */
#define KEPT_ARENA_BYTES (1024 * 1024)
#define KEPT_NAMES 16384

/* The thread's listing, emptied. */
static listing_t* listing_take(void) {
  kept_listing.used = 0;
  kept_listing.count = 0;
  return &kept_listing;
}

/* Done with the thread's listing: keeps its buffers, unless one huge directory grew them. */
static void listing_release(listing_t* l) {
  if (l->cap > KEPT_ARENA_BYTES || l->names_cap > KEPT_NAMES) {
    listing_free(l);
    *l = (listing_t){0};
  }
}

/*
 * A worker thread's environment ends: frees the listing its thread kept, which would
 * otherwise outlive the thread, one per worker of every walk a process runs. (A libuv
 * pool thread's listing lives as long as the process, as the thread does.)
 */
static void listing_drop(void* arg) {
  (void)arg;
  listing_free(&kept_listing);
  kept_listing = (listing_t){0};
}

static int arena_reserve(listing_t* l, size_t want) {
  if (l->cap - l->used >= want) return 0;
  size_t cap = l->cap == 0 ? DENTS_CHUNK : l->cap;
  while (cap - l->used < want) cap *= 2;
  char* p = realloc(l->arena, cap);
  if (p == NULL) return ENOMEM;
  l->arena = p;
  l->cap = cap;
  return 0;
}

static int add_name(listing_t* l, size_t off, size_t len, uint8_t type) {
  if (l->count == l->names_cap) {
    size_t cap = l->names_cap == 0 ? 256 : l->names_cap * 2;
    uint32_t* n = realloc(l->names, cap * sizeof(uint32_t));
    if (n == NULL) return ENOMEM;
    l->names = n;
    uint16_t* s = realloc(l->lens, cap * sizeof(uint16_t));
    if (s == NULL) return ENOMEM;
    l->lens = s;
    uint8_t* t = realloc(l->types, cap);
    if (t == NULL) return ENOMEM;
    l->types = t;
    l->names_cap = cap;
  }
  l->names[l->count] = (uint32_t)off;
  l->lens[l->count] = (uint16_t)len;
  l->types[l->count] = type;
  l->count++;
  return 0;
}

static int is_dot(const char* name) {
  return name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0));
}

#ifdef __linux__
struct dirent64_raw {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

/* Reads every entry of fd with getdents64 into the arena. Returns 0 or an errno. */
static int list_dir(int fd, listing_t* l) {
  for (;;) {
    int err = arena_reserve(l, DENTS_CHUNK);
    if (err != 0) return err;
    long n = syscall(SYS_getdents64, fd, l->arena + l->used, l->cap - l->used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) break;
    l->used += (size_t)n;
  }
  if (l->used > UINT32_MAX) return ENOMEM;
  size_t pos = 0;
  while (pos < l->used) {
    struct dirent64_raw* d = (struct dirent64_raw*)(l->arena + pos);
    size_t name_off = pos + offsetof(struct dirent64_raw, d_name);
    pos += d->d_reclen;
    if (is_dot(d->d_name)) continue;
    int err = add_name(l, name_off, strlen(d->d_name), d->d_type);
    if (err != 0) return err;
  }
  return 0;
}
#else
/* Portable fallback: readdir on a duplicate of fd (closedir closes the duplicate). */
static int list_dir(int fd, listing_t* l) {
  int dup_fd = dup(fd);
  if (dup_fd < 0) return errno;
  DIR* dir = fdopendir(dup_fd);
  if (dir == NULL) {
    int err = errno;
    close(dup_fd);
    return err;
  }
  for (;;) {
    errno = 0;
    struct dirent* d = readdir(dir);
    if (d == NULL) {
      int err = errno;
      closedir(dir);
      return err;
    }
    if (is_dot(d->d_name)) continue;
    size_t len = strlen(d->d_name);
    int err = arena_reserve(l, len + 1);
    if (err == 0) {
      memcpy(l->arena + l->used, d->d_name, len + 1);
      err = add_name(l, l->used, len, d->d_type);
      l->used += len + 1;
    }
    if (err != 0) {
      closedir(dir);
      return err;
    }
  }
}
#endif

/* The listing being sorted (qsort has no context argument everywhere). */
static _Thread_local const char* sort_arena;

static int by_name(const void* a, const void* b) {
  return strcmp(sort_arena + *(const uint32_t*)a, sort_arena + *(const uint32_t*)b);
}

/* Sorts names (and their lengths) by strcmp, the order readdirSync returns. */
static int sort_names(listing_t* l) {
  if (l->count < 2) return 0;
  /* Sort offsets, then recompute lengths: lengths are cheap to look up again. */
  sort_arena = l->arena;
  qsort(l->names, l->count, sizeof(uint32_t), by_name);
  sort_arena = NULL;
  for (size_t i = 0; i < l->count; i++) l->lens[i] = (uint16_t)strlen(l->arena + l->names[i]);
  /* types[] no longer lines up with names[]: scan() does not read them. */
  return 0;
}

static void write_entry(uint8_t* p, int dirfd, const char* name, uint16_t len) {
  struct stat st;
  memset(p, 0, ENTRY_HEAD);
  put_u16(p, len);
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT) != 0) {
    put_u32(p + 4, (uint32_t)errno);
  } else {
    put_u64(p + 8, (uint64_t)st.st_ino);
    put_u64(p + 16, (uint64_t)st.st_dev);
    put_u64(p + 24, (uint64_t)st.st_size);
    put_u64(p + 32, (uint64_t)st.st_blocks);
    put_u32(p + 40, (uint32_t)st.st_mode);
    put_u32(p + 44, (uint32_t)st.st_uid);
    put_u32(p + 48, (uint32_t)st.st_gid);
    put_u32(p + 52, (uint32_t)st.st_nlink);
    put_u64(p + 56, (uint64_t)(int64_t)st.st_atime);
    put_u64(p + 64, (uint64_t)(int64_t)st.st_mtime);
    put_u64(p + 72, (uint64_t)(int64_t)st.st_ctime);
  }
  memcpy(p + ENTRY_HEAD, name, len);
}

#define CHECK(call)                                  \
  do {                                               \
    if ((call) != napi_ok) return NULL;              \
  } while (0)

static void noop_execute(napi_env env, void* arg) {}

static napi_value make_int(napi_env env, int64_t v) {
  napi_value out;
  if (napi_create_int64(env, v, &out) != napi_ok) return NULL;
  return out;
}

static int get_bytes(napi_env env, napi_value v, uint8_t** data, size_t* len) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return 0;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  void* raw;
  if (napi_get_typedarray_info(env, v, &type, len, &raw, &ab, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = raw;
  return 1;
}

/*
 * A number or a bigint argument as a u64 (device and inode numbers pass 2^53). A
 * negative bigint is taken as its 64-bit two's complement: Node's bigint lstat holds
 * st_ino and st_dev in a BigInt64Array, so an inode past 2^63 (FUSE, GPFS) arrives
 * negative, and its low 64 bits are the kernel's number.
 */
static int get_u64(napi_env env, napi_value v, uint64_t* out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return 0;
  if (t == napi_bigint) {
    int negative = 0;
    size_t words = 1;
    uint64_t word = 0;
    if (napi_get_value_bigint_words(env, v, &negative, &words, &word) != napi_ok || words > 1) return 0;
    *out = negative ? (uint64_t)0 - word : word;
    return 1;
  }
  double d;
  if (t != napi_number || napi_get_value_double(env, v, &d) != napi_ok || d < 0) return 0;
  *out = (uint64_t)d;
  return 1;
}

/*
 * Opens `path` relative to `at` (-1: AT_FDCWD) with the flags opendir(3) uses, as
 * readdirSync does through libuv's scandir, plus O_NOFOLLOW, and checks with fstat
 * that it is the directory (dev, ino) that was stat'ed. Returns the descriptor or
 * -errno (-ESTALE: another directory).
 */
static int open_checked(int at, const char* path, uint64_t want_dev, uint64_t want_ino) {
  int fd = openat(at < 0 ? AT_FDCWD : at, path, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -errno;
  struct stat self;
  int err = 0;
  if (fstat(fd, &self) != 0) err = errno;
  else if ((uint64_t)self.st_dev != want_dev || (uint64_t)self.st_ino != want_ino) err = ESTALE;
  if (err != 0) {
    close(fd);
    return -err;
  }
  return fd;
}

/* The bytes the packed entries of a listing take. */
static size_t packed_size(const listing_t* l) {
  size_t total = 0;
  for (size_t i = 0; i < l->count; i++) total += ENTRY_HEAD + l->lens[i];
  return total;
}

/* fstatat's every name of the listing relative to fd, packed into dst (packed_size bytes). */
static void write_entries(uint8_t* dst, int fd, const listing_t* l) {
  uint8_t* p = dst;
  for (size_t i = 0; i < l->count; i++) {
    write_entry(p, fd, l->arena + l->names[i], l->lens[i]);
    p += ENTRY_HEAD + l->lens[i];
  }
}

/* base+rel as a C string in path[PATH_MAX]; 0, or the errno scan() returns negated. */
static int join_path(char* path, const uint8_t* base, size_t base_len, const uint8_t* rel, size_t rel_len) {
  if (base_len + rel_len == 0) return ENOENT;
  if (base_len + rel_len >= PATH_MAX) return ENAMETOOLONG;
  memcpy(path, base, base_len);
  memcpy(path + base_len, rel, rel_len);
  path[base_len + rel_len] = 0;
  if (memchr(path, 0, base_len + rel_len) != NULL) return ENOENT;
  return 0;
}

static napi_value scan(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t at;
  uint8_t *base, *rel, *out;
  size_t base_len, rel_len, out_len;
  uint64_t want_dev, want_ino;
  if (argc < 6 || napi_get_value_int32(env, argv[0], &at) != napi_ok || !get_bytes(env, argv[1], &base, &base_len) ||
      !get_bytes(env, argv[2], &rel, &rel_len) || !get_u64(env, argv[3], &want_dev) || !get_u64(env, argv[4], &want_ino) ||
      !get_bytes(env, argv[5], &out, &out_len)) {
    napi_throw_type_error(env, NULL, "scan(at: number, base: Uint8Array, rel: Uint8Array, dev: number | bigint, ino: number | bigint, out: Uint8Array)");
    return NULL;
  }
  char path[PATH_MAX];
  int err = join_path(path, base, base_len, rel, rel_len);
  if (err != 0) return make_int(env, -err);
  int fd = open_checked(at, path, want_dev, want_ino);
  if (fd < 0) return make_int(env, fd);
  listing_t* l = listing_take();
  err = list_dir(fd, l);
  if (err == 0) err = sort_names(l);
  if (err != 0) {
    close(fd);
    listing_release(l);
    return make_int(env, -err);
  }
  size_t total = packed_size(l);
  napi_value result = NULL;
  uint8_t* dst = out;
  if (total > out_len) {
    void* data = NULL;
    if (napi_create_buffer(env, total, &data, &result) != napi_ok) {
      close(fd);
      listing_release(l);
      return NULL;
    }
    dst = data;
  }
  write_entries(dst, fd, l);
  close(fd);
  listing_release(l);
  return result != NULL ? result : make_int(env, (int64_t)total);
}

/*
 * The latency-bound route: a directory in two calls on libuv's thread pool, so a
 * walk keeps as many directories in progress as the pool has threads, with one
 * crossing per call, not per entry, and subdirectories found before the files
 * are stat'ed (their walk starts while the files' lookups run).
 *
 * listAsync(base, rel, dev, ino, done) opens base+rel by path as scan() does,
 * lists it and fstatat's the names whose d_type is a directory or unknown, then
 * calls done(errno, dirs, fd, rest, restCount): errno -errno when it cannot be
 * opened or listed (nothing else then), else 0; dirs the packed entries of those
 * names (null: none); rest the other names (null: none), each a u16 length then
 * its bytes, restCount of them, still to be stat'ed through fd (-1, closed, when
 * there are none). statAsync(fd, rest, done) fstatat's those names relative to
 * fd, closes it and calls done(-errno, 0 for none, or the packed entries). Names
 * are not sorted: on this route record order carries no guarantee.
 */
typedef struct {
  napi_async_work work;
  napi_ref callback;
  char path[PATH_MAX];
  uint64_t dev, ino;
  int fd;
  int err;
  uint8_t* entries; /* packed entries */
  size_t entries_len;
  uint8_t* rest; /* names, u16 length then bytes */
  size_t rest_len;
  size_t rest_count;
} dir_job_t;

static int maybe_dir(uint8_t type) {
  return type == DT_DIR || type == DT_UNKNOWN;
}

static void free_job(napi_env env, dir_job_t* job) {
  napi_delete_reference(env, job->callback);
  napi_delete_async_work(env, job->work);
  free(job->entries);
  free(job->rest);
  free(job);
}

/* A Buffer copy of `len` bytes (null for none), or NULL when it cannot be made. */
static napi_value bytes_or_null(napi_env env, const uint8_t* data, size_t len) {
  napi_value out = NULL;
  if (len == 0) {
    if (napi_get_null(env, &out) != napi_ok) return NULL;
  } else if (napi_create_buffer_copy(env, len, data, NULL, &out) != napi_ok) {
    return NULL;
  }
  return out;
}

static void call_back(napi_env env, dir_job_t* job, size_t argc, napi_value* argv) {
  napi_value callback, global;
  if (napi_get_reference_value(env, job->callback, &callback) == napi_ok && napi_get_global(env, &global) == napi_ok) {
    napi_call_function(env, global, callback, argc, argv, NULL);
  }
}

static void list_job_execute(napi_env env, void* arg) {
  dir_job_t* job = arg;
  int fd = open_checked(-1, job->path, job->dev, job->ino);
  if (fd < 0) {
    job->err = -fd;
    return;
  }
  listing_t* l = listing_take();
  job->err = list_dir(fd, l);
  size_t dirs_len = 0;
  if (job->err == 0) {
    for (size_t i = 0; i < l->count; i++) {
      if (maybe_dir(l->types[i])) {
        dirs_len += ENTRY_HEAD + l->lens[i];
      } else {
        job->rest_len += 2 + l->lens[i];
        job->rest_count++;
      }
    }
    job->entries = dirs_len > 0 ? malloc(dirs_len) : NULL;
    job->rest = job->rest_len > 0 ? malloc(job->rest_len) : NULL;
    if ((dirs_len > 0 && job->entries == NULL) || (job->rest_len > 0 && job->rest == NULL)) job->err = ENOMEM;
  }
  if (job->err == 0) {
    uint8_t* p = job->entries;
    uint8_t* q = job->rest;
    for (size_t i = 0; i < l->count; i++) {
      const char* name = l->arena + l->names[i];
      if (maybe_dir(l->types[i])) {
        write_entry(p, fd, name, l->lens[i]);
        p += ENTRY_HEAD + l->lens[i];
      } else {
        put_u16(q, l->lens[i]);
        memcpy(q + 2, name, l->lens[i]);
        q += 2 + l->lens[i];
      }
    }
    job->entries_len = dirs_len;
  }
  listing_release(l);
  if (job->err != 0 || job->rest_count == 0) {
    close(fd);
    fd = -1;
  }
  job->fd = fd;
}

static void list_job_complete(napi_env env, napi_status status, void* arg) {
  dir_job_t* job = arg;
  napi_value argv[5];
  int ok = (argv[0] = make_int(env, -job->err)) != NULL;
  if (ok && job->err == 0) {
    ok = (argv[1] = bytes_or_null(env, job->entries, job->entries_len)) != NULL && (argv[2] = make_int(env, job->fd)) != NULL &&
         (argv[3] = bytes_or_null(env, job->rest, job->rest_len)) != NULL && (argv[4] = make_int(env, (int64_t)job->rest_count)) != NULL;
  }
  if (!ok) {
    if (job->fd >= 0) close(job->fd);
    argv[0] = make_int(env, -ENOMEM);
  }
  call_back(env, job, ok && job->err == 0 ? 5 : 1, argv);
  free_job(env, job);
}

static void stat_job_execute(napi_env env, void* arg) {
  dir_job_t* job = arg;
  job->entries_len = job->rest_len - 2 * job->rest_count + ENTRY_HEAD * job->rest_count;
  job->entries = malloc(job->entries_len);
  if (job->entries == NULL) {
    job->err = ENOMEM;
  } else {
    char name[NAME_MAX + 1];
    uint8_t* p = job->entries;
    const uint8_t* q = job->rest;
    for (size_t i = 0; i < job->rest_count; i++) {
      uint16_t len = (uint16_t)(q[0] | (q[1] << 8));
      if (len > NAME_MAX) {
        memset(p, 0, ENTRY_HEAD);
        put_u16(p, len);
        put_u32(p + 4, ENAMETOOLONG);
        memcpy(p + ENTRY_HEAD, q + 2, len);
      } else {
        memcpy(name, q + 2, len);
        name[len] = 0;
        write_entry(p, job->fd, name, len);
      }
      p += ENTRY_HEAD + len;
      q += 2 + len;
    }
  }
  close(job->fd);
}

static void stat_job_complete(napi_env env, napi_status status, void* arg) {
  dir_job_t* job = arg;
  napi_value result = job->err != 0 ? make_int(env, -job->err) : bytes_or_null(env, job->entries, job->entries_len);
  if (result == NULL) result = make_int(env, -ENOMEM);
  call_back(env, job, 1, &result);
  free_job(env, job);
}

/* Queues `job` on the pool; NULL (the job freed) when Node-API refuses. */
static napi_value queue_job(napi_env env, dir_job_t* job, napi_value callback, const char* label, napi_async_execute_callback execute,
                            napi_async_complete_callback complete) {
  napi_value name;
  if (napi_create_string_utf8(env, label, NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_reference(env, callback, 1, &job->callback) != napi_ok) {
    free(job->rest);
    free(job);
    return NULL;
  }
  if (napi_create_async_work(env, NULL, name, execute, complete, job, &job->work) != napi_ok || napi_queue_async_work(env, job->work) != napi_ok) {
    napi_delete_reference(env, job->callback);
    free(job->rest);
    free(job);
    return NULL;
  }
  return NULL;
}

static int is_function(napi_env env, napi_value v) {
  napi_valuetype t = napi_undefined;
  return napi_typeof(env, v, &t) == napi_ok && t == napi_function;
}

static napi_value list_async(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint8_t *base, *rel;
  size_t base_len, rel_len;
  uint64_t want_dev, want_ino;
  if (argc < 5 || !get_bytes(env, argv[0], &base, &base_len) || !get_bytes(env, argv[1], &rel, &rel_len) ||
      !get_u64(env, argv[2], &want_dev) || !get_u64(env, argv[3], &want_ino) || !is_function(env, argv[4])) {
    napi_throw_type_error(env, NULL, "listAsync(base: Uint8Array, rel: Uint8Array, dev: number | bigint, ino: number | bigint, done: Function)");
    return NULL;
  }
  dir_job_t* job = calloc(1, sizeof(dir_job_t));
  if (job == NULL) {
    napi_throw_error(env, "ENOMEM", "listAsync: out of memory");
    return NULL;
  }
  job->dev = want_dev;
  job->ino = want_ino;
  job->fd = -1;
  /* A path that cannot be joined still completes asynchronously, with its errno. */
  job->err = join_path(job->path, base, base_len, rel, rel_len);
  return queue_job(env, job, argv[4], "pwalk:listAsync", job->err == 0 ? list_job_execute : noop_execute, list_job_complete);
}

static napi_value stat_async(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd;
  uint8_t* rest;
  size_t rest_len;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0 || !get_bytes(env, argv[1], &rest, &rest_len) ||
      !is_function(env, argv[2])) {
    napi_throw_type_error(env, NULL, "statAsync(fd: number, rest: Uint8Array, done: Function)");
    return NULL;
  }
  /* Count and check the names first: the pool thread must not read past the copy. */
  size_t count = 0;
  for (size_t off = 0; off < rest_len; count++) {
    if (rest_len - off < 2 || rest_len - off - 2 < (size_t)(rest[off] | (rest[off + 1] << 8))) {
      napi_throw_range_error(env, NULL, "statAsync: rest is not a list of names");
      return NULL;
    }
    off += 2 + (size_t)(rest[off] | (rest[off + 1] << 8));
  }
  dir_job_t* job = calloc(1, sizeof(dir_job_t));
  uint8_t* copy = rest_len > 0 ? malloc(rest_len) : NULL;
  if (job == NULL || (rest_len > 0 && copy == NULL)) {
    free(job);
    free(copy);
    napi_throw_error(env, "ENOMEM", "statAsync: out of memory");
    return NULL;
  }
  if (rest_len > 0) memcpy(copy, rest, rest_len);
  job->fd = fd;
  job->rest = copy;
  job->rest_len = rest_len;
  job->rest_count = count;
  return queue_job(env, job, argv[2], "pwalk:statAsync", stat_job_execute, stat_job_complete);
}

NAPI_MODULE_INIT() {
  napi_value fn, list_fn, stat_fn, layout, head;
  CHECK(napi_create_function(env, "scan", NAPI_AUTO_LENGTH, scan, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "scan", fn));
  CHECK(napi_create_function(env, "listAsync", NAPI_AUTO_LENGTH, list_async, NULL, &list_fn));
  CHECK(napi_set_named_property(env, exports, "listAsync", list_fn));
  CHECK(napi_create_function(env, "statAsync", NAPI_AUTO_LENGTH, stat_async, NULL, &stat_fn));
  CHECK(napi_set_named_property(env, exports, "statAsync", stat_fn));
  CHECK(napi_create_uint32(env, PWALK_RAW_LAYOUT, &layout));
  CHECK(napi_set_named_property(env, exports, "layout", layout));
  CHECK(napi_add_env_cleanup_hook(env, listing_drop, NULL));
  CHECK(napi_create_uint32(env, ENTRY_HEAD, &head));
  CHECK(napi_set_named_property(env, exports, "entryHead", head));
  return exports;
}
