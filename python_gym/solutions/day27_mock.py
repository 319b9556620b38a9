"""Day 27: a mock interview with two problems and a spoken-approach checklist.

Treat this file as a 60-minute interview. For each problem, first fill in its
entry of ``APPROACH`` (what you would say out loud before coding), then write
the function:

- ``merge_accounts``: merge accounts that share an email, with union-find
  (disjoint-set union, path compression and union by size);
- ``word_ladder_length``: the shortest chain of one-letter changes from one
  word to another, with breadth-first search over wildcard buckets.

The checklist is graded structurally only (every entry filled in, the
complexity names an O(...), at least two edge cases, ...): the grader cannot
judge whether your reasoning is right. Compare it with the reference's
checklist after you pass.

In scope: union-find, BFS over an implicit graph, talking through a problem.
Out of scope: bidirectional BFS and returning the ladders themselves (the
lesson discusses both).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

# The spoken-approach checklist: one entry per problem, every field a few
# sentences in Chinese or English. What the tests check (structure only):
# - every field holds at least 10 non-space characters and is not a placeholder;
# - "examples" shows an input and its output with "->" (or "→");
# - "brute_force" and "optimal" are different texts;
# - "complexity" names at least one O(...) bound (say time and space);
# - "edge_cases" lists at least two cases, one per line or separated by ";";
# - "tests" names the function you would call (e.g. "merge_accounts(").
APPROACH_KEYS = ("clarify", "examples", "brute_force", "optimal", "complexity", "edge_cases", "tests")

APPROACH: dict[str, dict[str, str]] = {
    "merge_accounts": {
        "clarify": "",
        "examples": "",
        "brute_force": "",
        "optimal": "",
        "complexity": "",
        "edge_cases": "",
        "tests": "",
    },
    "word_ladder_length": {
        "clarify": "",
        "examples": "",
        "brute_force": "",
        "optimal": "",
        "complexity": "",
        "edge_cases": "",
        "tests": "",
    },
}

# TODO: fill in both entries of APPROACH above before you write any code.
# BEGIN SOLUTION
APPROACH["merge_accounts"].update(
    {
        "clarify": "同名不代表同一个人，只有共享邮箱才合并，而且可以传递（A、B 共享一个，B、C 共享另一个，则 A、B、C 是同一人）。"
        "输出每个人的邮箱要去重并排序；整个结果按列表字典序排序。没有邮箱的账户单独成为一个人。",
        "examples": "[['John', 'a@x', 'b@x'], ['John', 'c@x'], ['John', 'b@x', 'd@x']] -> "
        "[['John', 'a@x', 'b@x', 'd@x'], ['John', 'c@x']]：第 1、3 个账户共享 b@x。",
        "brute_force": "把每个账户看成一个邮箱集合，反复扫描所有账户对，有交集就合并，直到一轮下来没有任何合并。"
        "最坏 O(n^2) 对、每对 O(k) 比较，还要重复多轮。",
        "optimal": "并查集：第一次见到某个邮箱时记下它属于哪个账户，之后再见到就 union 这两个账户。"
        "最后按根节点分组，收集并排序每组的邮箱，名字取组里最早的账户。路径压缩 + 按大小合并。",
        "complexity": "设邮箱总数为 E：建表与合并 O(E·α(n))，排序邮箱 O(E log E)；额外空间 O(E + n)。",
        "edge_cases": "空列表返回 [];\n只有名字没有邮箱的账户单独成组;\n同名但不共享邮箱的两个账户不能合并;\n"
        "同一账户里重复的邮箱只输出一次;\n传递合并：A-B、B-C 共享邮箱时三个合成一个",
        "tests": "merge_accounts([]) == []；merge_accounts([['A', 'x'], ['A', 'y']]) 结果是两组；"
        "传递链 merge_accounts([['A','1','2'], ['A','3'], ['A','2','3']]) 合成一组；再和两两合并到不动点的暴力解随机对拍。",
    }
)
APPROACH["word_ladder_length"].update(
    {
        "clarify": "长度算的是序列里的单词个数（包括 begin 和 end），不是步数。begin 可以不在词表里，end 必须在。"
        "所有单词等长吗？长度不同的词永远用不上。找不到返回 0；begin == end 返回 1。",
        "examples": "begin='hit', end='cog', words=['hot','dot','dog','lot','log','cog'] -> 5（hit→hot→dot→dog→cog）；"
        "去掉 'cog' 后 -> 0。",
        "brute_force": "两两比较所有单词，差一个字母就连边，显式建图后 BFS：建图 O(N^2·L)，N 为上万时太慢。",
        "optimal": "不显式建图：把每个词的每个位置换成通配符，得到 L 个“桶”键 (i, w[:i] + w[i+1:])，同一桶里的词互为邻居。"
        "从 begin 做 BFS，入队时标记访问；一个桶用过一次就清空，避免重复扫描。",
        "complexity": "建桶 O(N·L^2)（L 个键，每个键切片 O(L)），BFS 每个词出队一次、查 L 个桶，总计 O(N·L^2) 时间，O(N·L^2) 空间。",
        "edge_cases": "end 不在词表里返回 0;\nbegin == end 返回 1;\n词表里有重复单词;\n长度和 begin 不同的单词;\n"
        "begin 本身在词表里（不能重复访问）;\nend 与 begin 不连通",
        "tests": "word_ladder_length('hit', 'cog', [...]) == 5；word_ladder_length('hit', 'cog', 去掉 cog) == 0；"
        "word_ladder_length('a', 'c', ['a', 'b', 'c']) == 2；在小词表上与显式建图 + 松弛的暴力解随机对拍。",
    }
)
# END SOLUTION


def merge_accounts(accounts: list[list[str]]) -> list[list[str]]:
    """Merge accounts that belong to the same person.

    Each account is ``[name, email, email, ...]``. Two accounts belong to
    the same person when they share at least one email, directly or through
    a chain of accounts (sharing is transitive). Equal names alone do not
    merge accounts; accounts that share an email always carry the same name.

    Args:
        accounts: the accounts; each has a name and zero or more emails
            (emails may repeat inside an account). Not modified.

    Returns:
        One ``[name, *emails]`` list per person, the emails distinct and
        sorted; the whole list sorted (``sorted(result)``). An account with
        no email is a person of its own: ``[name]``.

    Raises:
        ValueError: if an account is empty (has no name).

    Example:
        >>> merge_accounts([["John", "a@x", "b@x"], ["John", "c@x"], ["John", "b@x", "d@x"]])
        [['John', 'a@x', 'b@x', 'd@x'], ['John', 'c@x']]

    Edge cases the tests try: no accounts, accounts without emails, equal
    names that must stay apart, repeated emails, chains that merge
    transitively (also when the link comes last), Unicode names and emails,
    an empty account, and 5 000 accounts.
    """
    # TODO: union-find over account indices: remember the first account that
    # TODO: owns each email, union later owners with it. Then group emails by
    # TODO: root. Avoid comparing every pair of accounts (quadratic).
    # BEGIN SOLUTION
    if any(not account for account in accounts):
        raise ValueError("every account needs at least a name")
    parent = list(range(len(accounts)))
    size = [1] * len(accounts)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra == rb:
            return
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra  # the smaller tree hangs under the larger
        size[ra] += size[rb]

    owner: dict[str, int] = {}
    for i, (_name, *emails) in enumerate(accounts):
        for email in emails:
            if email in owner:
                union(i, owner[email])
            else:
                owner[email] = i

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(accounts)):
        groups[find(i)].append(i)  # indices ascending: members[0] is the earliest account
    merged = []
    for members in groups.values():
        emails = sorted({email for i in members for email in accounts[i][1:]})
        merged.append([accounts[members[0]][0], *emails])
    return sorted(merged)
    # END SOLUTION


def word_ladder_length(begin: str, end: str, words: Iterable[str]) -> int:
    """Return the number of words in the shortest ladder from ``begin`` to ``end``, or 0.

    A ladder is ``begin = w0, w1, ..., wk = end`` where consecutive words
    have the same length and differ in exactly one position, and every word
    after ``begin`` is in ``words``. ``begin`` itself need not be in ``words``.

    Args:
        begin: the first word.
        end: the last word; must be in ``words`` (unless it equals ``begin``).
        words: the allowed words; any iterable, duplicates allowed; words
            of another length than ``begin`` can never be used.

    Returns:
        ``k + 1`` for the shortest ladder (words counted, not steps); ``1``
        when ``begin == end``; ``0`` when no ladder exists.

    Example:
        >>> word_ladder_length("hit", "cog", ["hot", "dot", "dog", "lot", "log", "cog"])
        5

        ``hit -> hot -> dot -> dog -> cog``.

    Edge cases the tests try: ``end`` missing from ``words``, ``begin ==
    end``, one-letter words, ``begin`` inside ``words``, duplicates, words of
    other lengths, no ladder, Chinese characters, a generator of words, and
    3 125 five-letter words.
    """
    # TODO: BFS from begin with collections.deque. Find neighbours through
    # TODO: wildcard buckets (position i removed) built once, not by comparing
    # TODO: every pair of words and not by trying all 26 letters blindly.
    # BEGIN SOLUTION
    if begin == end:
        return 1
    allowed = {w for w in words if len(w) == len(begin)}
    if end not in allowed:
        return 0
    buckets: dict[tuple[int, str], list[str]] = defaultdict(list)
    for w in allowed:
        for i in range(len(w)):
            buckets[(i, w[:i] + w[i + 1 :])].append(w)

    dist = {begin: 1}
    queue = deque([begin])
    while queue:
        w = queue.popleft()
        for i in range(len(w)):
            key = (i, w[:i] + w[i + 1 :])
            for nxt in buckets.get(key, ()):
                if nxt not in dist:
                    if nxt == end:
                        return dist[w] + 1
                    dist[nxt] = dist[w] + 1
                    queue.append(nxt)
            buckets.pop(key, None)  # every word in this bucket is now visited: never scan it again
    return 0
    # END SOLUTION


if __name__ == "__main__":
    print(merge_accounts([["John", "a@x", "b@x"], ["John", "c@x"], ["John", "b@x", "d@x"]]))
    print(word_ladder_length("hit", "cog", ["hot", "dot", "dog", "lot", "log", "cog"]))
