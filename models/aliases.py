"""What planners type instead of an id or a column name: Vietnamese names, abbreviations, near misses.

These are only ever suggested in an error message, never accepted silently.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import get_close_matches

CLOSE = 0.75
SPECIALTY_ALIASES: dict[str, tuple[str, ...]] = {
    "it": (
        "Công nghệ thông tin",
        "CNTT",
        "Công nghệ thông tin, truyền thông, chuyển đổi số",
        "Thông tin và Truyền thông",
        "Chuyển đổi số",
        "Tin học",
        "IT",
        "Information technology",
    ),
    "land": (
        "Đất đai",
        "Quản lý đất đai",
        "Địa chính",
        "Tài nguyên và Môi trường",
        "TNMT",
        "Land management",
    ),
    "justice": ("Tư pháp", "Tư pháp - Hộ tịch", "Hộ tịch"),
    "finance": ("Tài chính", "Tài chính - Kế toán", "Kế toán", "Tài chính và ngân sách", "Ngân sách"),
    "construction": (
        "Xây dựng",
        "Giao thông",
        "Xây dựng và giao thông",
        "Giao thông vận tải",
        "Xây dựng - Giao thông",
    ),
    "industry_trade": ("Công thương", "Công Thương", "Thương mại", "Industry and trade"),
    "home_affairs": (
        "Nội vụ",
        "Lao động",
        "Nội vụ và lao động",
        "Lao động - Thương binh và Xã hội",
        "LĐTBXH",
    ),
    "health": ("Y tế", "Trạm y tế", "Trưởng trạm y tế"),
    "education": ("Giáo dục", "Giáo dục và Đào tạo", "GD&ĐT", "GDĐT", "Giáo viên", "Trường học"),
}
HEADER_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "communes": {
        "id": ("Mã xã", "Mã", "Mã đơn vị", "Mã ĐVHC", "Mã đơn vị hành chính"),
        "name": ("Tên xã", "Tên", "Tên đơn vị", "Tên ĐVHC", "Tên xã, phường"),
        "type": ("Loại", "Loại đơn vị", "Xã/phường", "Cấp"),
        "lat": ("Vĩ độ",),
        "lon": ("Kinh độ",),
        "capacity": ("Sức chứa", "Khả năng tiếp nhận", "Số chỗ tiếp nhận", "Số chỗ"),
        "tags": ("Nhãn", "Thẻ", "Đặc điểm"),
    },
    "shortages": {
        "commune_id": ("Mã xã", "Xã", "Mã đơn vị"),
        "specialty": ("Lĩnh vực", "Chuyên môn", "Chuyên ngành"),
        "seats": ("Số lượng", "Số người cần", "Số chỗ", "Chỉ tiêu", "Số lượng cần"),
        "priority": ("Ưu tiên", "Mức ưu tiên", "Mức độ ưu tiên"),
        "min_level": ("Trình độ tối thiểu", "Mức tối thiểu", "Trình độ"),
    },
    "candidates": {
        "id": ("Mã", "Mã cán bộ", "Mã CB", "Mã người"),
        "name": ("Họ và tên", "Họ tên", "Tên"),
        "agency_id": ("Mã cơ quan", "Cơ quan", "Mã đơn vị", "Đơn vị"),
        "specialties": ("Lĩnh vực", "Chuyên môn", "Chuyên ngành"),
        "home_commune_id": ("Xã quê quán", "Quê quán", "Mã xã quê quán", "Xã thường trú", "Nơi ở"),
        "lat": ("Vĩ độ",),
        "lon": ("Kinh độ",),
        "max_distance_km": ("Khoảng cách tối đa", "Cự ly tối đa", "Km tối đa"),
        "available_from": ("Từ ngày", "Có thể từ ngày", "Ngày bắt đầu"),
        "available_to": ("Đến ngày", "Có thể đến ngày", "Ngày kết thúc"),
        "preferences": ("Nguyện vọng", "Xã nguyện vọng"),
    },
    "agencies": {
        "id": ("Mã cơ quan", "Mã", "Mã đơn vị"),
        "name": ("Tên cơ quan", "Tên", "Tên đơn vị"),
        "lat": ("Vĩ độ",),
        "lon": ("Kinh độ",),
        "staff": ("Biên chế", "Số biên chế", "Số người", "Tổng số"),
        "max_release": ("Số biệt phái tối đa", "Tối đa biệt phái", "Biệt phái tối đa"),
    },
    "distances": {
        "from_id": ("Từ", "Mã đi", "Nơi đi"),
        "to_id": ("Đến", "Mã đến", "Nơi đến"),
        "km": ("Km", "Số km", "Khoảng cách"),
        "minutes": ("Phút", "Số phút", "Thời gian"),
    },
}


def plain(text: str) -> str:
    """Text folded for matching: no case, diacritics, spaces or punctuation (`Tên xã` → `tenxa`)."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", letters)


def specialty_alias(value: str, known: set[str]) -> str | None:
    """The known specialty id a Vietnamese or English name or abbreviation stands for, if any."""
    wanted = plain(value)
    for specialty, aliases in SPECIALTY_ALIASES.items():
        if specialty in known and wanted in {plain(alias) for alias in aliases}:
            return specialty
    return None


def near_miss(value: str, known: set[str]) -> str | None:
    """The known id a value most likely misspells: equal but for case and punctuation, else close."""
    folded = {plain(k): k for k in sorted(known)}
    if plain(value) in folded and plain(value):
        return folded[plain(value)]
    close = get_close_matches(value, sorted(known), n=1, cutoff=CLOSE)
    if close:
        return close[0]
    close = get_close_matches(plain(value), sorted(folded), n=1, cutoff=CLOSE)
    return folded[close[0]] if close else None


def header_meaning(table: str, header: str) -> str | None:
    """The column a Vietnamese header names in a table (`Tên xã` in communes → `name`), if any."""
    wanted = plain(header)
    for column, aliases in HEADER_ALIASES.get(table, {}).items():
        if wanted in {plain(alias) for alias in aliases}:
            return column
    return None
