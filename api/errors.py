"""One table: each stdkb error class → HTTP status, the heading of its page, CLI exit code.

The JSON API, the pages and the command line all read it through `classify`, so an error means the
same thing on every face. `tests/test_errors.py` walks every StdkbError subclass through all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.implement.assessment import SheetError
from analysis.system.registry import AreaNotFound, SystemInputError
from api.remote import RemoteError
from api.settings import SettingsError
from index.errors import (CitationNotFound, DocumentNotFound, EmbedderError, IndexMismatch, IngestBusy, InvalidRequest,
                          StorageError, VectorStoreError)
from ingest.errors import DocumentError, ManifestError, StdkbError
from ingest.tables import TableError


@dataclass(frozen=True)
class Outcome:
    status: int        # HTTP status, for the API and the pages alike
    page_title: str    # what the error page calls it
    exit_code: int     # `stdkb` exit status


# The first matching row wins, so subclasses come before their bases.
ERROR_TABLE: list[tuple[type[StdkbError], Outcome]] = [
    (ManifestError, Outcome(422, "清单文件有误", 3)),
    (SheetError, Outcome(422, "自查表未导入", 3)),   # a filled 自查表 refused whole (analysis/implement/assessment.py)
    (DocumentError, Outcome(422, "文件无法读取", 3)),
    (TableError, Outcome(500, "规则表有误", 3)),   # stdkb's own rule tables: a fault of the install
    (DocumentNotFound, Outcome(404, "知识库中没有这个文件", 3)),
    (CitationNotFound, Outcome(404, "知识库中没有这条引用", 3)),
    (IndexMismatch, Outcome(409, "数据目录与当前配置不一致", 4)),
    (IngestBusy, Outcome(409, "正在导入其他文件，请稍后再试", 5)),
    (EmbedderError, Outcome(503, "向量模型不可用", 6)),
    (VectorStoreError, Outcome(503, "向量库不可用", 7)),
    (StorageError, Outcome(507, "数据目录无法写入", 9)),   # 507 Insufficient Storage: full or read-only
    (InvalidRequest, Outcome(422, "查询条件有误", 2)),
    (AreaNotFound, Outcome(404, "标准体系中没有这个领域", 3)),
    (SystemInputError, Outcome(422, "标准体系的输入有误", 2)),
    (SettingsError, Outcome(500, "服务配置有误", 2)),
    (RemoteError, Outcome(502, "检索服务无法访问", 10)),   # STDKB_URL: the server did not answer
    (StdkbError, Outcome(400, "请求有误", 2)),
]
UNEXPECTED = Outcome(500, "内部错误", 1)
# `stdkb check` found problems it did not repair (not an error: the report is the answer).
CHECK_FAILED_EXIT = 8


def classify(exc: BaseException) -> Outcome:
    for cls, outcome in ERROR_TABLE:
        if isinstance(exc, cls):
            return outcome
    return UNEXPECTED
