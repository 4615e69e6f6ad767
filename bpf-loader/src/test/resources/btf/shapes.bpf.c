/* Type shapes for the BTF reader tests: every C spelling cName must produce. */
typedef int pid_t;
typedef unsigned long long __u64;

enum kind { KIND_A = 1, KIND_B = -2 };
enum big { BIG_A = 0x1ffffffffULL };

struct event;

struct flags {
    unsigned int a : 3;
    unsigned int b : 5;
    int c;
};

union either {
    int i;
    float f;
};

struct shapes {
    unsigned int u;
    char comm[16];
    struct event *ev;
    pid_t pid;
    enum kind k;
    const char *name;
    int grid[2][3];
    struct flags fl;
    union either e;
    int (*cb)(int, long);
    char *const fixed;
    volatile int v;
    int (*rows)[3];
    enum big b;
    __u64 ts;
    _Bool ok;
    double d;
};

struct shapes shapes_var = { .u = 7 };
const volatile int answer = 42;
char buf[8];

int use(struct shapes *s)
{
    return s->u + answer;
}
