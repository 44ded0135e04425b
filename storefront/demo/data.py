"""Demo catalogue for the storefront: donation causes and social ventures.

All organisations, people, registration numbers and products below are fictional.
Plain data only; loaded by the demo seeding code.
"""

from __future__ import annotations

CAUSES: list[dict] = [
    {
        "slug": "jinggeomdari-foundation",
        "name": "징검다리장애인자립재단",
        "description": (
            "장애인의 자립과 일자리를 지원하는 재단입니다. 보조기기 구입비와 직업훈련 장학금을 "
            "지원합니다."
        ),
        "registration": "서울-비영리-2011-0217",
        "color": "#e08e2b",
    },
    {
        "slug": "saessak-wings-fund",
        "name": "새싹날개자립기금",
        "description": (
            "보호가 끝난 자립준비청년과 취약계층 아동의 주거, 학업, 취업을 돕는 비영리 기금입니다. "
            "매년 자립정착금과 1:1 멘토링을 지원합니다."
        ),
        "registration": "경기-비영리-2016-0088",
        "color": "#5aa469",
    },
    {
        "slug": "dasom-elder-care",
        "name": "다솜어르신돌봄회",
        "description": (
            "홀로 사는 어르신의 식사와 안부를 챙기는 돌봄 단체입니다. 겨울철 난방비와 반찬 나눔을 "
            "지원합니다."
        ),
        "registration": "강원-비영리-2014-0031",
        "color": "#c06c84",
    },
    {
        "slug": "pureun-mulgyeol-fund",
        "name": "푸른물결환경기금",
        "description": (
            "해양 쓰레기 수거와 기후 교육 활동을 지원하는 환경 기금입니다. 시민 참여형 정화 활동에 "
            "필요한 장비와 교육비를 후원합니다."
        ),
        "registration": "제주-비영리-2018-0052",
        "color": "#2a9d8f",
    },
    {
        "slug": "ieum-village-foundation",
        "name": "이음마을공동체재단",
        "description": (
            "인구가 줄어드는 농어촌 마을의 공동체 회복을 돕는 재단입니다. 마을 공동밥상과 작은 "
            "도서관 운영을 지원합니다."
        ),
        "registration": "전북-비영리-2012-0109",
        "color": "#b5838d",
    },
    {
        "slug": "hamkke-ppuri-network",
        "name": "함께뿌리정착지원회",
        "description": (
            "북한이탈주민과 이주민이 지역사회에 뿌리내리도록 돕는 사단법인입니다. 한국어 교육, "
            "법률 상담, 자녀 학습 지원 사업을 운영합니다."
        ),
        "registration": "서울-비영리-2019-0143",
        "color": "#457b9d",
    },
]

VENTURES: list[dict] = [
    {
        "slug": "haetsal-bakery",
        "name": "햇살담은베이커리",
        "mission": "disability",
        "region": "서울 마포구",
        "story": (
            "발달장애인 제빵사 14명이 비장애인 직원 5명과 함께 일하는 마포구의 작은 "
            "베이커리입니다. 국산 우리밀과 무항생제 계란으로 매일 아침 쿠키와 빵을 굽고, "
            "제빵기능사 자격증 취득도 함께 준비합니다."
        ),
        "founded": 2012,
        "giving_rate_bp": 500,
        "cause": "jinggeomdari-foundation",
        "color": "#e0a13a",
        "products": [
            {
                "title": "우리밀 수제 쿠키 선물세트 12입",
                "category": "food",
                "price": 18900,
                "stock": 120,
                "description": (
                    "국산 우리밀과 발효버터로 구운 쿠키 4종(초코칩, 녹차, 얼그레이, 땅콩)을 3개씩 "
                    "담았습니다. 발달장애인 제빵사들이 하나하나 모양을 잡아 구웠습니다.\n\n"
                    "개별 포장되어 선물용으로 좋으며, 유통기한은 제조일로부터 30일입니다."
                ),
            },
            {
                "title": "레몬 버터 마들렌 10입 선물상자",
                "category": "food",
                "price": 15000,
                "stock": 4,
                "description": (
                    "레몬 제스트를 넣어 상큼한 버터 마들렌 10개를 선물상자에 담았습니다. 주문 후 "
                    "이틀 안에 구워 발송하며, 실온에서 7일간 보관할 수 있습니다."
                ),
            },
            {
                "title": "통밀 호두 식빵 2입",
                "category": "food",
                "price": 9800,
                "stock": 60,
                "description": (
                    "통밀가루 40%에 구운 호두를 듬뿍 넣은 고소한 식빵입니다. 보존료를 넣지 않아 "
                    "받으신 날 바로 냉동 보관하시길 권합니다. 1개 약 450g입니다."
                ),
            },
            {
                "title": "견과류 수제 그래놀라 500g",
                "category": "food",
                "price": 12900,
                "stock": 85,
                "description": (
                    "귀리, 아몬드, 호박씨, 크랜베리를 국산 조청으로 버무려 저온에서 천천히 "
                    "구웠습니다. 설탕 대신 조청을 써서 단맛이 은은하고, 요거트나 우유와 잘 "
                    "어울립니다."
                ),
            },
            {
                "title": "어린이 쿠키 만들기 키트",
                "category": "kids",
                "price": 16500,
                "stock": 40,
                "description": (
                    "반죽, 쿠키 틀 3종, 데코 펜, 그림 설명서가 들어 있어 아이와 함께 쿠키 12개를 "
                    "만들 수 있습니다. 설명서는 제빵사들이 실제 작업 순서를 그림으로 옮겨 "
                    "만들었습니다."
                ),
            },
            {
                "title": "베이커리 캔버스 앞치마",
                "category": "living",
                "price": 23000,
                "stock": 35,
                "description": (
                    "제빵사들이 작업장에서 입는 것과 같은 두꺼운 면 캔버스 앞치마입니다. 허리끈 "
                    "길이를 조절할 수 있고 앞주머니가 두 개 있습니다. 총장 85cm입니다."
                ),
            },
        ],
    },
    {
        "slug": "hangyeol-woodcraft",
        "name": "한결목공방",
        "mission": "disability",
        "region": "경기 고양시",
        "story": (
            "중증장애인 근로자 9명이 직업재활 과정을 거쳐 원목 생활용품을 만드는 보호작업장입니다. "
            "재단은 숙련 목공 교사가 맡고, 샌딩과 오일 마감, 포장은 장애인 근로자들이 전담합니다."
        ),
        "founded": 2015,
        "giving_rate_bp": 500,
        "cause": "jinggeomdari-foundation",
        "color": "#8a5a3c",
        "products": [
            {
                "title": "월넛 원목 도마 (중)",
                "category": "living",
                "price": 38000,
                "stock": 45,
                "description": (
                    "북미산 월넛 원목을 통으로 재단해 만든 도마로 크기는 35x22x2cm입니다. 식물성 "
                    "오일로만 마감해 음식에 닿아도 안심할 수 있습니다."
                ),
            },
            {
                "title": "원목 수저받침 4개 세트",
                "category": "living",
                "price": 12000,
                "stock": 130,
                "description": (
                    "체리, 월넛, 메이플, 오크 네 가지 나무로 만든 수저받침입니다. 나뭇결과 색이 "
                    "조금씩 달라 식탁에 자연스러운 멋을 더합니다."
                ),
            },
            {
                "title": "원목 연필꽂이",
                "category": "stationery",
                "price": 14000,
                "stock": 70,
                "description": (
                    "지름 8cm, 높이 10cm의 원통형 연필꽂이로 바닥에 미끄럼 방지 펠트를 붙였습니다. "
                    "근로자가 한 개당 40분 넘게 샌딩해 손에 닿는 느낌이 부드럽습니다."
                ),
            },
            {
                "title": "원목 자석 메모 보드",
                "category": "stationery",
                "price": 21000,
                "stock": 3,
                "description": (
                    "자작나무 합판 안에 얇은 철판을 넣어 자석이 붙는 메모 보드입니다. 원목 자석 "
                    "6개가 함께 들어 있으며 크기는 30x20cm입니다."
                ),
            },
            {
                "title": "유아 원목 쌓기 블록 30pcs",
                "category": "kids",
                "price": 42000,
                "stock": 25,
                "description": (
                    "모서리를 둥글게 다듬은 너도밤나무 블록 30개와 면 주머니가 한 세트입니다. "
                    "어린이제품 안전확인 인증을 받았고 무독성 수성 도료만 사용했습니다."
                ),
            },
            {
                "title": "원목 손잡이 손거울",
                "category": "beauty",
                "price": 16000,
                "stock": 55,
                "description": (
                    "손잡이가 달린 원목 손거울로 전체 길이는 22cm입니다. 파우치에 넣기 좋은 "
                    "크기이며 거울면에는 깨짐 방지 필름을 붙였습니다."
                ),
            },
        ],
    },
    {
        "slug": "chorokson-farm",
        "name": "초록손치유농장",
        "mission": "disability",
        "region": "충북 청주시",
        "story": (
            "발달장애 청년 11명이 정규 농장 직원으로 일하며 표고버섯과 허브를 기르는 "
            "치유농장입니다. 참나무 원목에서 키운 표고와 직접 수확한 허브로 식품과 바디용품을 "
            "만듭니다."
        ),
        "founded": 2013,
        "giving_rate_bp": 700,
        "cause": "jinggeomdari-foundation",
        "color": "#4f8a3c",
        "products": [
            {
                "title": "참나무 원목 건표고버섯 200g",
                "category": "food",
                "price": 19800,
                "stock": 75,
                "description": (
                    "참나무 원목에 종균을 심어 2년 동안 키운 표고를 햇볕과 열풍으로 말렸습니다. "
                    "갓이 두툼하고 향이 진해 국물 요리와 나물에 잘 어울립니다."
                ),
            },
            {
                "title": "바삭 표고버섯칩 6봉 세트",
                "category": "food",
                "price": 14400,
                "stock": 0,
                "description": (
                    "얇게 썬 표고를 기름에 튀기지 않고 진공 건조해 바삭하게 만든 간식입니다. 한 "
                    "봉지 30g으로 아이 간식이나 맥주 안주로 좋습니다."
                ),
            },
            {
                "title": "농장 허브티 3종 세트",
                "category": "food",
                "price": 16000,
                "stock": 50,
                "description": (
                    "농장에서 기른 캐모마일, 레몬밤, 페퍼민트를 말려 삼각 티백에 담았습니다. "
                    "종류별 10개씩 모두 30개가 들어 있습니다."
                ),
            },
            {
                "title": "라벤더 천연비누 3입",
                "category": "beauty",
                "price": 13500,
                "stock": 90,
                "description": (
                    "농장 라벤더를 우린 오일로 만든 저온 숙성 비누입니다. 4주 이상 숙성해 거품이 "
                    "부드럽고, 1개 무게는 약 100g입니다."
                ),
            },
            {
                "title": "로즈마리 핸드크림 50ml",
                "category": "beauty",
                "price": 9800,
                "stock": 110,
                "description": (
                    "로즈마리 추출물과 시어버터를 넣어 끈적임 없이 촉촉한 핸드크림입니다. 농장 "
                    "직원들이 직접 라벨을 붙이고 포장합니다."
                ),
            },
        ],
    },
    {
        "slug": "daon-print",
        "name": "다온프린트",
        "mission": "disability",
        "region": "서울 영등포구",
        "story": (
            "장애인 디자이너 6명과 인쇄 기술자 8명이 함께 일하는 인쇄·디자인 사회적기업입니다. "
            "자폐 스펙트럼 작가들의 그림을 문구로 만들고, 판매 수익의 일부를 작가 저작권료로 "
            "지급합니다."
        ),
        "founded": 2016,
        "giving_rate_bp": 500,
        "cause": "jinggeomdari-foundation",
        "color": "#3a6fb0",
        "products": [
            {
                "title": "작가 일러스트 엽서 세트 12매",
                "category": "stationery",
                "price": 9000,
                "stock": 150,
                "description": (
                    "다온프린트 소속 작가 4명이 그린 동물과 도시 풍경 그림을 엽서 12장에 "
                    "담았습니다. 두꺼운 무코팅 용지에 인쇄해 만년필로 써도 번지지 않습니다."
                ),
            },
            {
                "title": "날짜 없는 먼슬리 탁상 캘린더",
                "category": "stationery",
                "price": 11000,
                "stock": 95,
                "description": (
                    "날짜를 직접 적어 어느 달부터든 쓸 수 있는 12개월 탁상 캘린더입니다. 매달 다른 "
                    "작가의 그림이 실려 있으며 크기는 20x15cm입니다."
                ),
            },
            {
                "title": "무선 제본 도트 노트 A5",
                "category": "stationery",
                "price": 6500,
                "stock": 200,
                "description": (
                    "5mm 도트 내지 120쪽을 실로 꿰매 제본해 180도로 완전히 펼쳐집니다. 표지는 "
                    "재생지를 사용했고, 제본은 장애인 인쇄 기술자들이 맡았습니다."
                ),
            },
            {
                "title": "일러스트 마스킹테이프 3종",
                "category": "stationery",
                "price": 8400,
                "stock": 120,
                "description": (
                    "작가 그림으로 만든 폭 15mm, 길이 10m 마스킹테이프 3개 세트입니다. 다이어리 "
                    "꾸미기나 선물 포장에 쓰기 좋습니다."
                ),
            },
            {
                "title": "6공 다이어리 세트 A6",
                "category": "stationery",
                "price": 24000,
                "stock": 2,
                "description": (
                    "인조가죽 6공 바인더에 먼슬리, 위클리, 무지 속지를 함께 넣었습니다. 속지는 "
                    "따로 구매해 계속 채워 쓸 수 있습니다."
                ),
            },
            {
                "title": "색칠놀이 그림책 '우리 동네 동물들'",
                "category": "kids",
                "price": 12000,
                "stock": 65,
                "description": (
                    "발달장애 작가가 그린 동네 동물 24마리의 밑그림을 색칠할 수 있는 그림책입니다. "
                    "두꺼운 도화지를 사용해 물감이나 사인펜으로 칠해도 뒷면에 배어 나오지 않습니다."
                ),
            },
        ],
    },
    {
        "slug": "sorihyang-atelier",
        "name": "소리향공방",
        "mission": "disability",
        "region": "대구 수성구",
        "story": (
            "청각장애인 직원 7명이 천연 향초와 디퓨저, 바디용품을 만드는 공방입니다. 작업장에는 "
            "수어가 가능한 매니저가 상주하며, 직원 모두 조향 교육 과정을 이수했습니다."
        ),
        "founded": 2017,
        "giving_rate_bp": 250,
        "cause": "jinggeomdari-foundation",
        "color": "#9b6bb3",
        "products": [
            {
                "title": "소이 캔들 200g (무화과 향)",
                "category": "living",
                "price": 22000,
                "stock": 60,
                "description": (
                    "100% 콩 왁스와 천연 에센셜 오일을 섞어 만든 캔들로 약 40시간 동안 탑니다. "
                    "청각장애인 조향사가 직접 무화과와 우디 향을 배합했습니다."
                ),
            },
            {
                "title": "리드 디퓨저 150ml",
                "category": "living",
                "price": 26000,
                "stock": 45,
                "description": (
                    "유리병에 디퓨저 원액 150ml와 섬유 스틱 6개를 함께 담았습니다. 화이트 머스크, "
                    "시더우드, 베르가못 중 한 가지 향으로 보내 드립니다."
                ),
            },
            {
                "title": "고체 향수 10g",
                "category": "beauty",
                "price": 15000,
                "stock": 80,
                "description": (
                    "밀랍과 호호바 오일로 만든 휴대용 고체 향수입니다. 손목과 귀 뒤에 가볍게 "
                    "바르면 은은한 향이 4시간 정도 이어집니다."
                ),
            },
            {
                "title": "시어버터 핸드크림 3종 세트",
                "category": "beauty",
                "price": 21000,
                "stock": 35,
                "description": (
                    "시어버터와 알로에 추출물을 넣은 30ml 핸드크림 3개를 한 상자에 담았습니다. "
                    "라벤더, 자몽, 무향으로 구성되어 있습니다."
                ),
            },
            {
                "title": "쌀겨 립밤 2입",
                "category": "beauty",
                "price": 8000,
                "stock": 140,
                "description": (
                    "쌀겨 오일과 밀랍으로 만든 무향 립밤 2개 세트입니다. 1개 용량은 5g입니다."
                ),
            },
            {
                "title": "차량용 원목 방향제",
                "category": "living",
                "price": 9900,
                "stock": 70,
                "description": (
                    "향을 머금은 원목 조각을 송풍구 클립에 끼워 쓰는 방향제입니다. 향이 약해지면 "
                    "함께 드리는 리필 오일을 두세 방울 떨어뜨리면 됩니다."
                ),
            },
        ],
    },
    {
        "slug": "eommason-stitch-coop",
        "name": "엄마손바느질협동조합",
        "mission": "career_break_women",
        "region": "경기 성남시",
        "story": (
            "출산과 육아로 일을 쉬었던 여성 조합원 18명이 함께 운영하는 봉제 협동조합입니다. 하루 "
            "5시간 탄력 근무로 아이를 돌보며 일할 수 있고, 국내산 원단으로 유아용품과 생활 소품을 "
            "만듭니다."
        ),
        "founded": 2014,
        "giving_rate_bp": 500,
        "cause": "saessak-wings-fund",
        "color": "#d9687a",
        "products": [
            {
                "title": "오가닉 거즈 손수건 5매",
                "category": "kids",
                "price": 14000,
                "stock": 150,
                "description": (
                    "오가닉 코튼 4겹 거즈로 만든 30x30cm 손수건 5장 세트입니다. 세탁할수록 "
                    "부드러워져 신생아 목욕 후 물기를 닦거나 침받이로 쓰기 좋습니다."
                ),
            },
            {
                "title": "아기 방수 턱받이 2종",
                "category": "kids",
                "price": 12000,
                "stock": 100,
                "description": (
                    "겉감은 면, 안감은 방수 원단으로 만들어 이유식이 옷에 스며들지 않습니다. "
                    "똑딱이 단추로 목둘레를 두 단계로 조절할 수 있습니다."
                ),
            },
            {
                "title": "6겹 거즈 아기 블랭킷",
                "category": "kids",
                "price": 38000,
                "stock": 30,
                "description": (
                    "6겹 면 거즈를 누벼 만든 110x110cm 블랭킷입니다. 낮잠 이불, 수유 가리개, "
                    "유모차 덮개로 두루 쓸 수 있습니다."
                ),
            },
            {
                "title": "린넨 홈카페 앞치마",
                "category": "living",
                "price": 29000,
                "stock": 40,
                "description": (
                    "워싱 린넨으로 만든 H자형 앞치마로 어깨끈이 등 뒤에서 교차합니다. "
                    "프리사이즈이며 총장은 90cm입니다."
                ),
            },
            {
                "title": "데일리 캔버스 에코백",
                "category": "fashion",
                "price": 19000,
                "stock": 85,
                "description": (
                    "10수 캔버스 원단으로 만들어 A4 서류와 노트북이 들어가는 튼튼한 에코백입니다. "
                    "안쪽에 휴대폰을 넣을 수 있는 작은 주머니가 있습니다."
                ),
            },
            {
                "title": "누빔 화장품 파우치",
                "category": "fashion",
                "price": 15000,
                "stock": 0,
                "description": (
                    "얇은 솜을 넣어 누빈 면 파우치로 크기는 22x14cm입니다. 조합원이 자투리 원단을 "
                    "이어 만들어 무늬가 하나하나 다릅니다."
                ),
            },
        ],
    },
    {
        "slug": "dasibom-cosmetics",
        "name": "다시봄코스메틱",
        "mission": "career_break_women",
        "region": "인천 연수구",
        "story": (
            "화학과 약학을 전공했지만 육아로 경력이 끊겼던 여성 연구원 5명이 창업한 천연 화장품 "
            "회사입니다. 지금은 경력단절 여성 16명이 생산과 품질관리, 온라인 상담을 맡고 있습니다."
        ),
        "founded": 2018,
        "giving_rate_bp": 500,
        "cause": "saessak-wings-fund",
        "color": "#e58fa8",
        "products": [
            {
                "title": "어성초 클렌징 바 100g",
                "category": "beauty",
                "price": 12000,
                "stock": 130,
                "description": (
                    "어성초와 녹차 추출물을 넣은 세안 비누로 피지와 메이크업 잔여물을 부드럽게 "
                    "씻어 냅니다. 합성 계면활성제와 인공 향료를 넣지 않았습니다."
                ),
            },
            {
                "title": "병풀 수분크림 50ml",
                "category": "beauty",
                "price": 28000,
                "stock": 70,
                "description": (
                    "병풀 추출물과 판테놀을 담은 젤 타입 수분크림입니다. 민감한 피부도 쓸 수 "
                    "있도록 피부 자극 테스트를 마쳤습니다."
                ),
            },
            {
                "title": "약산성 샴푸바 110g",
                "category": "beauty",
                "price": 14500,
                "stock": 95,
                "description": (
                    "pH 5.5 약산성으로 맞춘 고체 샴푸로 플라스틱 용기 없이 종이 상자에 담았습니다. "
                    "한 개로 액체 샴푸 두 병 정도를 대신할 수 있습니다."
                ),
            },
            {
                "title": "쌀 발효 토너 200ml",
                "category": "beauty",
                "price": 23000,
                "stock": 3,
                "description": (
                    "국산 쌀을 발효해 얻은 원료를 60% 넣은 순한 토너입니다. 세안 후 화장솜이나 "
                    "손바닥으로 가볍게 두드려 흡수시키면 됩니다."
                ),
            },
            {
                "title": "저자극 아기 로션 200ml",
                "category": "kids",
                "price": 19000,
                "stock": 55,
                "description": (
                    "알레르기 유발 성분 없이 세라마이드와 귀리 추출물로 만든 유아용 로션입니다. "
                    "신생아부터 쓸 수 있으며 펌프형 용기에 담겨 있습니다."
                ),
            },
            {
                "title": "보습 바디로션 300ml",
                "category": "beauty",
                "price": 21000,
                "stock": 60,
                "description": (
                    "동백 오일과 시어버터를 넣어 샤워 후 건조한 몸을 촉촉하게 지켜 주는 "
                    "바디로션입니다. 은은한 유자 향이 납니다."
                ),
            },
        ],
    },
    {
        "slug": "saebyeok-jangdokdae",
        "name": "새벽장독대협동조합",
        "mission": "career_break_women",
        "region": "부산 기장군",
        "story": (
            "기장의 여성 조합원 12명이 국산 콩과 고추로 장을 담그고 밑반찬을 만드는 "
            "협동조합입니다. 대부분 10년 넘게 살림만 하다 조합을 통해 다시 일을 시작했고, 조리사 "
            "자격증을 가진 조합원이 절반이 넘습니다."
        ),
        "founded": 2011,
        "giving_rate_bp": 300,
        "cause": "saessak-wings-fund",
        "color": "#8c4a2f",
        "products": [
            {
                "title": "전통 재래 된장 1kg",
                "category": "food",
                "price": 18000,
                "stock": 70,
                "description": (
                    "국산 콩으로 쑨 메주를 천일염에 담가 항아리에서 2년 동안 숙성한 된장입니다. "
                    "짠맛이 부드럽고 구수해 찌개와 쌈장에 두루 어울립니다."
                ),
            },
            {
                "title": "찹쌀 고추장 500g",
                "category": "food",
                "price": 15000,
                "stock": 80,
                "description": (
                    "국산 고춧가루와 찹쌀, 조청으로 담근 고추장입니다. 물엿을 넣지 않아 단맛이 "
                    "덜하고 매운맛이 깔끔합니다."
                ),
            },
            {
                "title": "기장 미역자반 선물세트",
                "category": "food",
                "price": 24000,
                "stock": 2,
                "description": (
                    "기장 앞바다 미역을 들기름에 볶아 참깨를 뿌린 미역자반 80g 3봉 세트입니다. "
                    "밥반찬이나 주먹밥 재료로 좋습니다."
                ),
            },
            {
                "title": "수제 김부각 100g 3봉",
                "category": "food",
                "price": 13500,
                "stock": 90,
                "description": (
                    "찹쌀풀을 발라 말린 김을 현미유에 바삭하게 튀겼습니다. 조합원들이 손으로 한 "
                    "장씩 풀을 발라 만듭니다."
                ),
            },
            {
                "title": "간장 깻잎 장아찌 400g",
                "category": "food",
                "price": 11000,
                "stock": 45,
                "description": (
                    "밀양 깻잎을 직접 담근 맛간장에 재워 한 달간 숙성했습니다. 받으신 뒤에는 냉장 "
                    "보관해 주세요."
                ),
            },
        ],
    },
    {
        "slug": "geurimchaek-play-lab",
        "name": "그림책놀이연구소",
        "mission": "career_break_women",
        "region": "세종 조치원읍",
        "story": (
            "유치원 교사와 보육교사로 일하다 경력이 끊긴 여성 9명이 모여 만든 교구 개발 "
            "회사입니다. 직접 쓴 그림책과 놀이 교구를 만들고, 지역 도서관에서 그림책 놀이 수업도 "
            "진행합니다."
        ),
        "founded": 2019,
        "giving_rate_bp": 500,
        "cause": "saessak-wings-fund",
        "color": "#f2b134",
        "products": [
            {
                "title": "그림책 '할머니의 텃밭'",
                "category": "kids",
                "price": 14000,
                "stock": 60,
                "description": (
                    "손주와 할머니가 사계절 텃밭을 가꾸는 이야기를 담은 40쪽 그림책입니다. 책 "
                    "뒤에는 부모와 함께할 수 있는 놀이 활동지 4쪽이 실려 있습니다."
                ),
            },
            {
                "title": "한글 자석 놀이판",
                "category": "kids",
                "price": 32000,
                "stock": 35,
                "description": (
                    "자음과 모음 자석 80개와 그림 카드 30장으로 낱말 만들기 놀이를 할 수 있습니다. "
                    "놀이판은 A3 크기이며 자석 모서리를 모두 둥글게 처리했습니다."
                ),
            },
            {
                "title": "감정 카드 놀이 세트",
                "category": "kids",
                "price": 18000,
                "stock": 4,
                "description": (
                    "기쁨, 속상함, 부끄러움 등 감정 24가지를 그림으로 표현한 카드와 놀이 "
                    "안내서입니다. 4세 이상 아이가 자기 마음을 말로 표현하도록 돕습니다."
                ),
            },
            {
                "title": "동물 색칠 스티커북",
                "category": "kids",
                "price": 8500,
                "stock": 110,
                "description": (
                    "동물 밑그림 20장과 재사용 스티커 60개가 들어 있습니다. 색칠한 뒤 스티커로 "
                    "배경을 꾸미며 소근육 놀이를 할 수 있습니다."
                ),
            },
            {
                "title": "엄마표 놀이 플래너",
                "category": "stationery",
                "price": 13000,
                "stock": 50,
                "description": (
                    "한 주에 한 번 아이와 할 놀이를 계획하고 기록하는 52주 플래너입니다. 연령별 "
                    "추천 놀이 100가지가 부록으로 실려 있습니다."
                ),
            },
            {
                "title": "그림책 독서 기록장 2권",
                "category": "stationery",
                "price": 9000,
                "stock": 75,
                "description": (
                    "읽은 그림책 제목과 기억에 남는 장면을 그림으로 남기는 독서 기록장입니다. 한 "
                    "권에 50권 분량을 기록할 수 있습니다."
                ),
            },
        ],
    },
    {
        "slug": "halmeoni-knit-coop",
        "name": "할머니뜨개방협동조합",
        "mission": "seniors",
        "region": "강원 춘천시",
        "story": (
            "평균 나이 72세의 할머니 조합원 23명이 마을회관에 모여 뜨개질을 하는 협동조합입니다. "
            "작품마다 만든 할머니의 이름표를 달아 보내며, 수익은 조합원 월급과 경로당 운영비로 "
            "쓰입니다."
        ),
        "founded": 2013,
        "giving_rate_bp": 700,
        "cause": "dasom-elder-care",
        "color": "#c0504d",
        "products": [
            {
                "title": "할머니 손뜨개 울 목도리",
                "category": "fashion",
                "price": 45000,
                "stock": 20,
                "description": (
                    "메리노 울 100% 실로 한 코 한 코 떠서 만든 목도리로 길이 170cm, 폭 25cm입니다. "
                    "목도리 하나를 완성하는 데 할머니 한 분이 꼬박 나흘을 들입니다."
                ),
            },
            {
                "title": "방울 털모자",
                "category": "fashion",
                "price": 32000,
                "stock": 18,
                "description": (
                    "울과 아크릴 혼방 실로 뜬 꽈배기 무늬 털모자입니다. 머리둘레 54~58cm에 맞고 "
                    "방울은 떼어 세탁할 수 있습니다."
                ),
            },
            {
                "title": "손뜨개 아기 보닛",
                "category": "kids",
                "price": 28000,
                "stock": 15,
                "description": (
                    "부드러운 면사로 뜬 6~24개월 아기용 보닛입니다. 턱끈이 달려 있어 잘 벗겨지지 "
                    "않습니다."
                ),
            },
            {
                "title": "아크릴 수세미 5개 세트",
                "category": "living",
                "price": 9000,
                "stock": 200,
                "description": (
                    "꽃, 딸기, 물고기 모양으로 뜬 아크릴 수세미 5개입니다. 세제를 적게 써도 "
                    "기름기가 잘 닦입니다."
                ),
            },
            {
                "title": "손뜨개 벙어리장갑",
                "category": "fashion",
                "price": 26000,
                "stock": 0,
                "description": (
                    "두툼한 울 실로 뜬 벙어리장갑으로 손목 부분을 길게 떠서 바람이 들지 않습니다. "
                    "성인 여성 손 크기에 맞췄습니다."
                ),
            },
            {
                "title": "뜨개 네트백",
                "category": "fashion",
                "price": 35000,
                "stock": 12,
                "description": (
                    "면 실로 성글게 뜬 장바구니 겸 가방으로 장을 볼 때 넉넉히 담깁니다. 접으면 "
                    "손바닥만 해져 가방에 넣어 다니기 좋습니다."
                ),
            },
        ],
    },
    {
        "slug": "eunbit-mill",
        "name": "안동은빛방앗간",
        "mission": "seniors",
        "region": "경북 안동시",
        "story": (
            "60세 이상 어르신 8명이 문 닫은 옛 방앗간을 되살려 기름을 짜고 곡물을 볶는 시니어 "
            "기업입니다. 안동 농가에서 계약 재배한 참깨와 들깨만 쓰며, 40년 경력의 방앗간 어르신이 "
            "작업을 이끕니다."
        ),
        "founded": 2010,
        "giving_rate_bp": 500,
        "cause": "dasom-elder-care",
        "color": "#b8860b",
        "products": [
            {
                "title": "저온압착 참기름 350ml",
                "category": "food",
                "price": 24000,
                "stock": 60,
                "description": (
                    "국산 참깨를 낮은 온도에서 볶아 압착해 탄 맛 없이 고소한 참기름입니다. 짠 "
                    "날짜를 병에 적어 보내 드립니다."
                ),
            },
            {
                "title": "생들기름 350ml",
                "category": "food",
                "price": 21000,
                "stock": 75,
                "description": (
                    "볶지 않은 들깨를 그대로 짜내 오메가3가 살아 있는 생들기름입니다. 개봉 후에는 "
                    "냉장 보관하고 두 달 안에 드시길 권합니다."
                ),
            },
            {
                "title": "오곡 미숫가루 1kg",
                "category": "food",
                "price": 16000,
                "stock": 90,
                "description": (
                    "찹쌀, 보리, 검은콩, 현미, 율무를 하나씩 쪄서 말린 뒤 볶아 곱게 갈았습니다. "
                    "설탕을 넣지 않아 우유나 꿀과 함께 드시면 좋습니다."
                ),
            },
            {
                "title": "볶은 검은콩 300g",
                "category": "food",
                "price": 9500,
                "stock": 100,
                "description": (
                    "안동 서리태를 가마솥에서 천천히 볶아 껍질째 고소한 간식입니다. 밥에 넣어 "
                    "지어도 좋습니다."
                ),
            },
            {
                "title": "안동 참깨·들깨 선물세트",
                "category": "food",
                "price": 52000,
                "stock": 1,
                "description": (
                    "참기름, 생들기름 각 350ml와 볶은 참깨 200g을 오동나무 상자에 담았습니다. 명절 "
                    "선물로 가장 많이 찾는 구성입니다."
                ),
            },
        ],
    },
    {
        "slug": "noeul-woodshop",
        "name": "노을목공소",
        "mission": "seniors",
        "region": "전남 순천시",
        "story": (
            "은퇴한 목수와 가구 장인 6명이 다시 대패를 잡은 시니어 목공소입니다. 순천에서 솎아 "
            "베어 낸 편백나무로 가구와 소품을 만들고, 청년 수습생 2명에게 기술을 전수하고 있습니다."
        ),
        "founded": 2016,
        "giving_rate_bp": 500,
        "cause": "dasom-elder-care",
        "color": "#a0522d",
        "products": [
            {
                "title": "편백 원목 스툴",
                "category": "living",
                "price": 68000,
                "stock": 10,
                "description": (
                    "못을 쓰지 않고 짜맞춤 방식으로 만든 높이 45cm의 편백 스툴입니다. 의자로도, "
                    "침대 옆 협탁으로도 쓸 수 있습니다."
                ),
            },
            {
                "title": "편백 원목 트레이",
                "category": "living",
                "price": 27000,
                "stock": 50,
                "description": (
                    "40x28cm 크기의 편백 쟁반으로 손잡이 홈을 양쪽에 팠습니다. 은은한 편백 향이 "
                    "나며 물기를 닦아 말려 쓰면 오래갑니다."
                ),
            },
            {
                "title": "편백 큐브 블록 24pcs",
                "category": "kids",
                "price": 35000,
                "stock": 30,
                "description": (
                    "4cm 정육면체 편백 블록 24개를 나무 상자에 담았습니다. 도료를 칠하지 않아 "
                    "아이가 입에 대도 안전합니다."
                ),
            },
            {
                "title": "원목 만년 달력",
                "category": "stationery",
                "price": 19000,
                "stock": 60,
                "description": (
                    "날짜 블록 두 개와 월 표시 막대를 돌려 맞추는 영구 달력입니다. 책상 위에 두기 "
                    "좋은 폭 15cm 크기입니다."
                ),
            },
            {
                "title": "편백 나무 빗",
                "category": "beauty",
                "price": 13000,
                "stock": 85,
                "description": (
                    "정전기가 잘 일어나지 않는 편백 원목 빗으로 빗살을 하나하나 손으로 "
                    "다듬었습니다. 길이 18cm입니다."
                ),
            },
            {
                "title": "편백 큐브 향주머니",
                "category": "living",
                "price": 8000,
                "stock": 120,
                "description": (
                    "작은 편백 조각 100g을 면 주머니에 담았습니다. 옷장이나 신발장에 두면 편백 "
                    "향이 퍼지고 습기를 줄여 줍니다."
                ),
            },
        ],
    },
    {
        "slug": "naeil-design-lab",
        "name": "내일디자인랩",
        "mission": "youth",
        "region": "서울 종로구",
        "story": (
            "보호가 끝나 홀로서기를 시작한 자립준비청년 7명이 디자이너와 MD로 일하는 디자인 "
            "스튜디오입니다. 입사 첫해에는 주거비와 디자인 교육비를 지원하며, 청년들이 직접 그린 "
            "그림으로 옷과 문구를 만듭니다."
        ),
        "founded": 2020,
        "giving_rate_bp": 1000,
        "cause": "saessak-wings-fund",
        "color": "#2f4858",
        "products": [
            {
                "title": "오가닉 코튼 그래픽 티셔츠",
                "category": "fashion",
                "price": 29000,
                "stock": 80,
                "description": (
                    "오가닉 코튼 20수 원단에 청년 디자이너가 그린 그래픽을 실크스크린으로 "
                    "찍었습니다. S부터 XL까지 있으며 세탁 후 수축이 적도록 워싱을 마쳤습니다."
                ),
            },
            {
                "title": "자수 로고 볼캡",
                "category": "fashion",
                "price": 32000,
                "stock": 45,
                "description": (
                    "면 트윌 원단에 작은 로고를 자수로 새긴 볼캡입니다. 뒤쪽 금속 버클로 "
                    "머리둘레를 조절할 수 있습니다."
                ),
            },
            {
                "title": "청년 작가 스티커 팩",
                "category": "stationery",
                "price": 5500,
                "stock": 160,
                "description": (
                    "청년 작가 5명의 캐릭터 스티커 5장을 한 팩에 담았습니다. 방수 코팅되어 "
                    "노트북이나 텀블러에 붙여도 오래갑니다."
                ),
            },
            {
                "title": "아크릴 캐릭터 키링",
                "category": "fashion",
                "price": 8000,
                "stock": 100,
                "description": (
                    "양면 인쇄한 5cm 크기의 아크릴 키링입니다. 캐릭터 3종 중 하나를 고를 수 "
                    "있습니다."
                ),
            },
            {
                "title": "그래픽 엽서 10매",
                "category": "stationery",
                "price": 7000,
                "stock": 120,
                "description": (
                    "서울의 골목과 사람들을 그린 엽서 10장 세트입니다. 엽서마다 그린 청년의 짧은 "
                    "글이 뒷면에 적혀 있습니다."
                ),
            },
            {
                "title": "기모 후드 스웨트셔츠",
                "category": "fashion",
                "price": 59000,
                "stock": 3,
                "description": (
                    "안쪽에 기모를 넣은 도톰한 후드 스웨트셔츠로 등판에 대형 그래픽을 찍었습니다. "
                    "넉넉한 오버핏이며 M, L 두 가지 사이즈로 나옵니다."
                ),
            },
        ],
    },
    {
        "slug": "hangeoreum-roastery",
        "name": "한걸음로스터리",
        "mission": "youth",
        "region": "광주 동구",
        "story": (
            "자립준비청년 바리스타 10명이 일하는 로스터리 카페입니다. 6개월 바리스타 교육과 자격증 "
            "취득을 지원하고, 공정무역 생두를 직접 볶아 원두와 커피 선물세트를 만듭니다."
        ),
        "founded": 2018,
        "giving_rate_bp": 750,
        "cause": "saessak-wings-fund",
        "color": "#6f4e37",
        "products": [
            {
                "title": "하우스 블렌드 원두 500g",
                "category": "food",
                "price": 19000,
                "stock": 110,
                "description": (
                    "브라질과 에티오피아 공정무역 생두를 섞어 미디엄으로 볶은 블렌드입니다. "
                    "견과류와 초콜릿 향이 나며 주문 후 로스팅해 보냅니다."
                ),
            },
            {
                "title": "드립백 커피 20입",
                "category": "food",
                "price": 18000,
                "stock": 150,
                "description": (
                    "싱글오리진 3종과 블렌드 1종을 5개씩 담은 드립백 세트입니다. 컵에 걸고 뜨거운 "
                    "물 150ml를 세 번에 나누어 부으면 됩니다."
                ),
            },
            {
                "title": "콜드브루 원액 1L",
                "category": "food",
                "price": 22000,
                "stock": 40,
                "description": (
                    "찬물로 14시간 동안 추출한 콜드브루 원액입니다. 물이나 우유에 1:3 비율로 "
                    "희석해 드시고, 받으신 뒤에는 냉장 보관해 주세요."
                ),
            },
            {
                "title": "로고 스톤웨어 머그컵",
                "category": "living",
                "price": 15000,
                "stock": 65,
                "description": (
                    "광주 지역 도예 공방과 함께 만든 350ml 스톤웨어 머그컵입니다. 전자레인지와 "
                    "식기세척기에 쓸 수 있습니다."
                ),
            },
            {
                "title": "스테인리스 보온 텀블러 473ml",
                "category": "living",
                "price": 27000,
                "stock": 35,
                "description": (
                    "이중 진공 구조로 6시간 동안 온도를 지켜 주는 텀블러입니다. 카페에 가져오시면 "
                    "음료 500원을 할인해 드립니다."
                ),
            },
            {
                "title": "디카페인 원두 200g",
                "category": "food",
                "price": 12500,
                "stock": 0,
                "description": (
                    "물로 카페인을 걸러 낸 콜롬비아 디카페인 생두를 볶았습니다. 밤에도 부담 없이 "
                    "마실 수 있으며, 단맛과 부드러운 산미가 있습니다."
                ),
            },
        ],
    },
    {
        "slug": "cheotgeoreum-leather",
        "name": "첫걸음가죽공방",
        "mission": "youth",
        "region": "대전 유성구",
        "story": (
            "보육원 출신 청년들이 가죽 공예 기술을 배워 독립하는 공방입니다. 현재 자립준비청년 "
            "5명이 정규직 장인으로 일하며, 모든 제품을 한 땀씩 손바느질로 만듭니다."
        ),
        "founded": 2021,
        "giving_rate_bp": 700,
        "cause": "saessak-wings-fund",
        "color": "#7b3f00",
        "products": [
            {
                "title": "베지터블 가죽 카드지갑",
                "category": "fashion",
                "price": 35000,
                "stock": 60,
                "description": (
                    "이탈리아산 베지터블 가죽으로 만든 카드 4장 수납 지갑입니다. 쓸수록 색이 "
                    "짙어지고 윤기가 나며, 이니셜 각인을 무료로 해 드립니다."
                ),
            },
            {
                "title": "가죽 반지갑",
                "category": "fashion",
                "price": 68000,
                "stock": 25,
                "description": (
                    "카드 6장과 지폐를 넣을 수 있는 반지갑으로 모든 바느질을 손으로 했습니다. "
                    "완성까지 청년 장인 한 명이 하루를 꼬박 들입니다."
                ),
            },
            {
                "title": "가죽 여권 케이스",
                "category": "fashion",
                "price": 45000,
                "stock": 2,
                "description": (
                    "여권과 탑승권, 카드 2장을 함께 넣을 수 있는 여권 케이스입니다. 크기는 "
                    "14x10cm입니다."
                ),
            },
            {
                "title": "가죽 키링",
                "category": "fashion",
                "price": 12000,
                "stock": 140,
                "description": (
                    "반지갑과 카드지갑을 만들고 남은 자투리 가죽을 둥글게 잘라 만든 키링입니다. "
                    "색상 5가지 중 고를 수 있으며 원하시면 이니셜을 새겨 드립니다."
                ),
            },
            {
                "title": "가죽 롤 필통",
                "category": "stationery",
                "price": 39000,
                "stock": 30,
                "description": (
                    "펜 8자루를 꽂아 돌돌 말아 쓰는 가죽 필통입니다. 끈으로 감아 묶는 방식이라 펜 "
                    "개수에 따라 두께가 달라집니다."
                ),
            },
            {
                "title": "가죽 북마크 2종",
                "category": "stationery",
                "price": 9000,
                "stock": 90,
                "description": (
                    "얇은 소가죽을 잘라 만든 책갈피 2개 세트입니다. 책 사이에 끼워도 자국이 남지 "
                    "않을 만큼 얇게 깎았습니다."
                ),
            },
        ],
    },
    {
        "slug": "gohyangmat-bapsang",
        "name": "고향맛밥상",
        "mission": "defectors",
        "region": "서울 양천구",
        "story": (
            "북한이탈주민 여성 11명이 고향의 맛을 살려 만두와 면, 떡을 만드는 식품 기업입니다. "
            "입국 초기 정착민을 먼저 채용하고, 식품위생 교육과 생활 적응 교육을 함께 운영합니다."
        ),
        "founded": 2014,
        "giving_rate_bp": 500,
        "cause": "hamkke-ppuri-network",
        "color": "#c8553d",
        "products": [
            {
                "title": "개성식 손만두 1.2kg",
                "category": "food",
                "price": 16900,
                "stock": 90,
                "description": (
                    "숙주와 두부, 돼지고기를 듬뿍 넣어 큼직하게 빚은 개성식 만두입니다. 직원들이 "
                    "매일 손으로 빚어 급속 냉동해 보냅니다."
                ),
            },
            {
                "title": "인조고기밥 밀키트 2인분",
                "category": "food",
                "price": 13900,
                "stock": 55,
                "description": (
                    "콩기름을 짜고 남은 콩으로 만든 인조고기에 밥을 채워 양념장을 곁들이는 북한식 "
                    "간식입니다. 인조고기, 양념장, 손질한 쪽파가 들어 있어 15분이면 완성됩니다."
                ),
            },
            {
                "title": "함흥식 감자전분 냉면 4인분",
                "category": "food",
                "price": 15800,
                "stock": 70,
                "description": (
                    "감자전분을 넣어 쫄깃한 함흥식 냉면 사리 4인분과 비빔 양념장을 담았습니다. "
                    "양념장은 고향에서 해 먹던 방식대로 배와 양파를 갈아 만들었습니다."
                ),
            },
            {
                "title": "강냉이 국수 1kg",
                "category": "food",
                "price": 9000,
                "stock": 4,
                "description": (
                    "옥수수 가루를 섞어 노란빛이 도는 건면입니다. 삶아서 찬 육수에 말거나 "
                    "비빔국수로 드시면 좋습니다."
                ),
            },
            {
                "title": "언감자떡 500g",
                "category": "food",
                "price": 11000,
                "stock": 40,
                "description": (
                    "얼렸다 말린 감자 가루로 반죽해 팥소를 넣고 찐 북한식 감자떡입니다. 쫀득한 "
                    "식감이 특징이며 냉동 상태로 보내 드립니다."
                ),
            },
        ],
    },
    {
        "slug": "naranhi-sewing",
        "name": "나란히봉제",
        "mission": "defectors",
        "region": "경기 파주시",
        "story": (
            "북한에서 봉제공장 경력을 쌓은 탈북민 재봉사 15명이 일하는 봉제 공장입니다. 숙련 "
            "재봉사가 신입 정착민을 1대1로 가르치며, 국내 브랜드 납품과 함께 자체 브랜드 의류를 "
            "만듭니다."
        ),
        "founded": 2012,
        "giving_rate_bp": 300,
        "cause": "hamkke-ppuri-network",
        "color": "#5b7db1",
        "products": [
            {
                "title": "코튼 옥스퍼드 셔츠",
                "category": "fashion",
                "price": 49000,
                "stock": 40,
                "description": (
                    "두툼한 면 옥스퍼드 원단으로 만든 기본 셔츠입니다. 단춧구멍과 소매 마감까지 "
                    "숙련 재봉사가 꼼꼼히 박았으며 남녀 공용 S~XL로 나옵니다."
                ),
            },
            {
                "title": "면 파자마 세트",
                "category": "fashion",
                "price": 55000,
                "stock": 30,
                "description": (
                    "가볍게 워싱한 면 평직 원단으로 만든 긴팔 파자마 상하의 세트입니다. 바지 "
                    "허리는 고무줄과 끈을 함께 넣어 편안합니다."
                ),
            },
            {
                "title": "아동 면 실내복 세트",
                "category": "kids",
                "price": 29000,
                "stock": 50,
                "description": (
                    "신축성 좋은 면 스판 원단으로 만든 아동용 실내복 상하의입니다. 90부터 130 "
                    "사이즈까지 있습니다."
                ),
            },
            {
                "title": "캔버스 작업 앞치마",
                "category": "living",
                "price": 24000,
                "stock": 45,
                "description": (
                    "가죽 끈과 황동 고리를 단 두꺼운 캔버스 앞치마로 공방이나 카페에서 쓰기 "
                    "좋습니다. 가슴과 허리에 주머니가 모두 네 개 있습니다."
                ),
            },
            {
                "title": "광목 장바구니",
                "category": "living",
                "price": 11000,
                "stock": 120,
                "description": (
                    "표백하지 않은 광목으로 만든 장바구니로 두 손으로 들기 좋은 긴 손잡이를 "
                    "달았습니다. 크기는 42x38cm이며 세탁기에 빨 수 있습니다."
                ),
            },
            {
                "title": "아동 누빔 조끼",
                "category": "kids",
                "price": 34000,
                "stock": 20,
                "description": (
                    "가벼운 솜을 넣어 누빈 아동 조끼로 겨울철 실내외에서 두루 입기 좋습니다. "
                    "앞판은 똑딱이 단추로 여밉니다."
                ),
            },
        ],
    },
    {
        "slug": "hanmaeum-embroidery",
        "name": "한마음자수공방",
        "mission": "defectors",
        "region": "인천 남동구",
        "story": (
            "북한이탈주민 여성 8명이 북쪽 지방의 전통 자수 기법으로 소품을 만드는 공방입니다. 자수 "
            "공예가 출신 대표가 기술을 가르치며, 작품마다 수놓은 사람의 이름을 안쪽에 새깁니다."
        ),
        "founded": 2019,
        "giving_rate_bp": 500,
        "cause": "hamkke-ppuri-network",
        "color": "#b5446e",
        "products": [
            {
                "title": "꽃자수 면 손수건",
                "category": "fashion",
                "price": 15000,
                "stock": 70,
                "description": (
                    "면 손수건 한쪽 모서리에 진달래와 들꽃을 손으로 수놓았습니다. 크기는 "
                    "45x45cm이며 손세탁을 권합니다."
                ),
            },
            {
                "title": "자수 브로치",
                "category": "fashion",
                "price": 18000,
                "stock": 50,
                "description": (
                    "지름 4cm 원형 틀에 새와 꽃을 수놓은 브로치입니다. 가방이나 코트 깃에 달아 "
                    "포인트를 주기 좋습니다."
                ),
            },
            {
                "title": "자수 책갈피 3종",
                "category": "stationery",
                "price": 12000,
                "stock": 80,
                "description": (
                    "광목에 작은 꽃을 수놓아 만든 책갈피 3개 세트입니다. 끝에 면 술을 달아 책 "
                    "밖으로 살짝 나오게 했습니다."
                ),
            },
            {
                "title": "자수 지퍼 파우치",
                "category": "fashion",
                "price": 26000,
                "stock": 35,
                "description": (
                    "린넨 파우치 앞면에 모란 무늬를 수놓았습니다. 안감에 방수 코팅을 해 화장품이나 "
                    "필기구를 넣기 좋으며 크기는 20x13cm입니다."
                ),
            },
            {
                "title": "어린이 자수 DIY 키트",
                "category": "kids",
                "price": 16000,
                "stock": 45,
                "description": (
                    "밑그림이 그려진 원단과 수틀, 안전 바늘, 자수실 6색, 그림 설명서가 들어 "
                    "있습니다. 8세 이상 어린이가 부모와 함께 첫 자수를 완성할 수 있습니다."
                ),
            },
            {
                "title": "자수 노트 커버 A5",
                "category": "stationery",
                "price": 22000,
                "stock": 22,
                "description": (
                    "A5 노트에 씌우는 린넨 커버로 앞면에 작은 꽃밭을 수놓았습니다. 무선 노트 한 "
                    "권이 함께 들어 있습니다."
                ),
            },
        ],
    },
    {
        "slug": "dasisseum-upcycle",
        "name": "다시쓰임공작소",
        "mission": "environment",
        "region": "서울 성동구",
        "story": (
            "버려지는 폐현수막과 가죽 자투리, 커피 자루를 가방과 소품으로 바꾸는 업사이클링 "
            "공방입니다. 지금까지 폐현수막 12톤을 재활용했고, 지역 자활센터 참여자 6명이 봉제 "
            "직원으로 일합니다."
        ),
        "founded": 2015,
        "giving_rate_bp": 500,
        "cause": "pureun-mulgyeol-fund",
        "color": "#3b7d5a",
        "products": [
            {
                "title": "업사이클 가죽 카드지갑",
                "category": "fashion",
                "price": 29000,
                "stock": 70,
                "description": (
                    "가구 공장에서 버려지는 소가죽 자투리로 만든 카드지갑입니다. 자투리를 쓰기 "
                    "때문에 색과 질감이 조금씩 다르며, 카드 3장과 지폐를 넣을 수 있습니다."
                ),
            },
            {
                "title": "폐현수막 토트백",
                "category": "fashion",
                "price": 32000,
                "stock": 55,
                "description": (
                    "선거와 행사에 쓰인 현수막을 세척해 만든 토트백으로 물에 강하고 가볍습니다. "
                    "현수막 글자가 잘린 위치에 따라 디자인이 모두 다릅니다."
                ),
            },
            {
                "title": "커피자루 숄더백",
                "category": "fashion",
                "price": 39000,
                "stock": 25,
                "description": (
                    "로스터리에서 나온 황마 커피 자루에 면 안감을 덧대 만든 숄더백입니다. 크기는 "
                    "38x32x10cm이며 안쪽 지퍼 주머니가 있습니다."
                ),
            },
            {
                "title": "방수 현수막 파우치",
                "category": "fashion",
                "price": 14000,
                "stock": 90,
                "description": (
                    "현수막 원단의 방수성을 살린 파우치로 세면도구나 충전기를 넣기 좋습니다. "
                    "크기는 21x15cm입니다."
                ),
            },
            {
                "title": "업사이클 노트북 파우치 15인치",
                "category": "fashion",
                "price": 36000,
                "stock": 0,
                "description": (
                    "현수막 겉감 안에 5mm 쿠션 폼을 넣어 노트북을 충격에서 지켜 줍니다. 15인치 "
                    "이하 노트북에 맞습니다."
                ),
            },
            {
                "title": "가죽 자투리 키링",
                "category": "fashion",
                "price": 9000,
                "stock": 150,
                "description": (
                    "지갑을 만들고 남은 더 작은 가죽 조각까지 모아 땋아 만든 키링입니다. 황동 "
                    "고리를 달아 오래 써도 튼튼합니다."
                ),
            },
        ],
    },
    {
        "slug": "mulbit-bada-studio",
        "name": "물빛바다공방",
        "mission": "environment",
        "region": "제주 제주시",
        "story": (
            "제주 해안에서 주운 바다유리와 폐어구로 액세서리와 생활용품을 만드는 환경 기업입니다. "
            "은퇴한 해녀와 마을 주민 9명이 매주 해변 정화를 하며, 한 해 평균 4톤의 해양쓰레기를 "
            "거둡니다."
        ),
        "founded": 2017,
        "giving_rate_bp": 500,
        "cause": "pureun-mulgyeol-fund",
        "color": "#1f7a8c",
        "products": [
            {
                "title": "바다유리 귀걸이",
                "category": "fashion",
                "price": 25000,
                "stock": 40,
                "description": (
                    "파도에 닳아 둥글어진 바다유리를 은 고리에 달아 만든 귀걸이입니다. 유리마다 "
                    "색과 모양이 달라 세상에 하나뿐인 디자인입니다."
                ),
            },
            {
                "title": "폐어망 업사이클 키링",
                "category": "fashion",
                "price": 9000,
                "stock": 100,
                "description": (
                    "해안에서 수거한 나일론 폐어망을 녹여 만든 물고기 모양 키링입니다. 키링 하나에 "
                    "폐어망 약 15g이 쓰입니다."
                ),
            },
            {
                "title": "어린이 해변 정화 탐험 키트",
                "category": "kids",
                "price": 18000,
                "stock": 35,
                "description": (
                    "집게, 면 수거 주머니, 바다 생물 관찰 카드 20장, 활동 기록지가 들어 있습니다. "
                    "아이와 함께 바닷가를 걸으며 쓰레기를 줍고 기록할 수 있습니다."
                ),
            },
            {
                "title": "제주 동백 고체 샴푸바",
                "category": "beauty",
                "price": 15000,
                "stock": 75,
                "description": (
                    "제주 동백 오일을 넣은 고체 샴푸로 플라스틱 없이 종이로만 포장했습니다. 한 "
                    "개로 약 두 달 동안 쓸 수 있습니다."
                ),
            },
            {
                "title": "대나무 칫솔 4입",
                "category": "beauty",
                "price": 9600,
                "stock": 180,
                "description": (
                    "손잡이는 대나무, 칫솔모는 피마자유 유래 소재로 만든 칫솔 4개 세트입니다. 다 "
                    "쓴 손잡이는 머리를 떼고 화분 이름표로 쓸 수 있습니다."
                ),
            },
            {
                "title": "밀랍 랩 3종 세트",
                "category": "living",
                "price": 17000,
                "stock": 60,
                "description": (
                    "면 원단에 밀랍과 송진, 호호바 오일을 입힌 음식 포장용 랩입니다. 소, 중, 대 세 "
                    "장이 들어 있으며 찬물로 씻어 1년 가까이 쓸 수 있습니다."
                ),
            },
        ],
    },
    {
        "slug": "deoleosseum-store",
        "name": "덜어씀상점",
        "mission": "environment",
        "region": "충남 홍성군",
        "story": (
            "홍성의 청년과 주민 6명이 운영하는 제로웨이스트 가게로, 리필 세제와 플라스틱 없는 "
            "살림살이를 만듭니다. 인근 유기농 마을의 자투리 면 원단과 천연 원료를 쓰고, 빈 용기를 "
            "회수해 다시 씁니다."
        ),
        "founded": 2020,
        "giving_rate_bp": 1000,
        "cause": "pureun-mulgyeol-fund",
        "color": "#6a994e",
        "products": [
            {
                "title": "천연 설거지 비누 150g",
                "category": "living",
                "price": 7500,
                "stock": 200,
                "description": (
                    "쌀뜨물 발효액과 코코넛 오일로 만든 설거지 비누로 헹굼이 빠르고 잔여물이 "
                    "적습니다. 비누받침 없이 쓸 수 있게 면 끈을 달았습니다."
                ),
            },
            {
                "title": "소창 행주 3매",
                "category": "living",
                "price": 12000,
                "stock": 110,
                "description": (
                    "국내산 면 소창을 네 겹으로 겹쳐 만든 행주 3장입니다. 처음 받으시면 두세 번 "
                    "삶아 풀기를 빼고 쓰세요."
                ),
            },
            {
                "title": "수세미 열매 천연 수세미 3입",
                "category": "living",
                "price": 6000,
                "stock": 150,
                "description": (
                    "홍성 농가에서 기른 수세미 열매를 말려 잘랐습니다. 다 쓴 뒤에는 음식물 "
                    "쓰레기나 퇴비로 버릴 수 있습니다."
                ),
            },
            {
                "title": "리필 주방세제 1L",
                "category": "living",
                "price": 9000,
                "stock": 90,
                "description": (
                    "식물 유래 계면활성제로 만든 주방세제를 재사용 유리병에 담았습니다. 다 쓴 병을 "
                    "돌려보내 주시면 다음 주문에서 1,000원을 할인해 드립니다."
                ),
            },
            {
                "title": "소프넛 세탁 주머니",
                "category": "living",
                "price": 11000,
                "stock": 40,
                "description": (
                    "무환자나무 열매 껍질 200g과 면 주머니가 한 세트입니다. 세탁기에 주머니째 "
                    "넣으면 열매에서 천연 거품이 나와 약 40회 빨래를 할 수 있습니다."
                ),
            },
            {
                "title": "천연 데오드란트 밤 30g",
                "category": "beauty",
                "price": 12000,
                "stock": 65,
                "description": (
                    "코코넛 오일과 베이킹소다, 옥수수 전분으로 만든 고체 데오드란트입니다. 종이 "
                    "튜브에 담겨 있어 아래에서 밀어 올려 바르면 됩니다."
                ),
            },
        ],
    },
    {
        "slug": "moak-village-kitchen",
        "name": "모악마을부엌",
        "mission": "local",
        "region": "전북 완주군",
        "story": (
            "완주 모악산 자락 마을의 주민 20여 가구가 함께 운영하는 마을기업입니다. 마을에서 기른 "
            "생강과 과일, 쌀로 청과 잼, 누룽지를 만들고, 수익은 어르신 공동밥상에 쓰입니다."
        ),
        "founded": 2011,
        "giving_rate_bp": 500,
        "cause": "ieum-village-foundation",
        "color": "#d35f3a",
        "products": [
            {
                "title": "완주 토종 생강청 500g",
                "category": "food",
                "price": 18000,
                "stock": 80,
                "description": (
                    "봉동 토종 생강을 얇게 저며 유기농 설탕에 재워 숙성한 생강청입니다. 따뜻한 "
                    "물에 두 숟가락을 타서 드시면 좋습니다."
                ),
            },
            {
                "title": "유기농 현미 누룽지 300g",
                "category": "food",
                "price": 8900,
                "stock": 150,
                "description": (
                    "마을에서 유기농으로 기른 현미로 밥을 지어 무쇠 솥에 얇게 눌렀습니다. 물을 "
                    "부어 끓이면 구수한 숭늉과 누룽지죽이 됩니다."
                ),
            },
            {
                "title": "블루베리 수제 잼 240g",
                "category": "food",
                "price": 11000,
                "stock": 65,
                "description": (
                    "마을 농가 블루베리를 통째로 넣어 과육이 씹히는 잼입니다. 과일 함량 70%로 "
                    "펙틴과 보존료를 넣지 않았습니다."
                ),
            },
            {
                "title": "완주 곶감 선물세트 1kg",
                "category": "food",
                "price": 45000,
                "stock": 3,
                "description": (
                    "마을 감나무에서 딴 대봉감을 깎아 찬바람에 두 달 동안 말린 곶감입니다. "
                    "20~24개가 들어 있으며 받으신 뒤에는 냉동 보관하세요."
                ),
            },
            {
                "title": "배도라지청 500g",
                "category": "food",
                "price": 22000,
                "stock": 55,
                "description": (
                    "배와 도라지, 대추를 오랫동안 달여 만든 청으로 환절기에 찾는 분이 많습니다. "
                    "설탕 없이 배와 조청으로만 단맛을 냈습니다."
                ),
            },
            {
                "title": "우리쌀 아기 떡뻥 10봉",
                "category": "kids",
                "price": 13000,
                "stock": 70,
                "description": (
                    "마을 쌀을 튀겨 만든 아기 과자로 소금과 설탕을 넣지 않았습니다. 입에서 잘 녹아 "
                    "이가 나기 시작한 아기도 먹을 수 있습니다."
                ),
            },
        ],
    },
    {
        "slug": "getbeolbit-salt-coop",
        "name": "갯벌빛소금협동조합",
        "mission": "local",
        "region": "전남 신안군",
        "story": (
            "신안의 작은 섬에서 염전을 일구는 염부 14명이 만든 협동조합으로, 전통 방식 그대로 "
            "천일염을 생산합니다. 젊은 사람들이 떠난 섬에 일자리를 만들기 위해 최근 귀어 청년 "
            "3명을 새로 채용했습니다."
        ),
        "founded": 2013,
        "giving_rate_bp": 500,
        "cause": "ieum-village-foundation",
        "color": "#4a7fb5",
        "products": [
            {
                "title": "3년 간수 뺀 천일염 3kg",
                "category": "food",
                "price": 23000,
                "stock": 100,
                "description": (
                    "창고에서 3년 동안 간수를 뺀 천일염으로 쓴맛이 적고 짠맛이 부드럽습니다. "
                    "김장과 장 담그기에 알맞습니다."
                ),
            },
            {
                "title": "함초 소금 250g",
                "category": "food",
                "price": 9800,
                "stock": 120,
                "description": (
                    "갯벌에서 자란 함초를 말려 갈아 천일염과 섞었습니다. 나트륨이 걱정되는 분께 "
                    "요리용으로 권합니다."
                ),
            },
            {
                "title": "구운 소금 선물세트",
                "category": "food",
                "price": 28000,
                "stock": 40,
                "description": (
                    "천일염을 800도에서 구운 소금과 볶은 소금, 함초 소금을 도자기 병 세 개에 "
                    "담았습니다. 병마다 150g씩 들어 있습니다."
                ),
            },
            {
                "title": "천일염 바디 스크럽 200g",
                "category": "beauty",
                "price": 16000,
                "stock": 60,
                "description": (
                    "곱게 간 천일염에 호호바 오일과 라벤더 오일을 섞은 바디 스크럽입니다. 일주일에 "
                    "한두 번 젖은 피부에 부드럽게 문질러 씻어 내세요."
                ),
            },
            {
                "title": "소금 족욕 입욕제 500g",
                "category": "beauty",
                "price": 13000,
                "stock": 45,
                "description": (
                    "천일염에 쑥과 편백 오일을 더한 족욕용 입욕제입니다. 따뜻한 물에 두 숟가락을 "
                    "풀어 15분 정도 발을 담그면 됩니다."
                ),
            },
        ],
    },
    {
        "slug": "hwagaegol-tea-village",
        "name": "화개골차마을",
        "mission": "local",
        "region": "경남 하동군",
        "story": (
            "하동 화개골의 차 농가 17가구가 함께 만든 마을기업입니다. 야생 차밭에서 손으로 딴 "
            "찻잎을 마을 어르신들이 가마솥에 덖어 차를 만들고, 차 체험을 하러 오는 방문객을 "
            "맞습니다."
        ),
        "founded": 2009,
        "giving_rate_bp": 500,
        "cause": "ieum-village-foundation",
        "color": "#5a8f29",
        "products": [
            {
                "title": "하동 우전 녹차 50g",
                "category": "food",
                "price": 38000,
                "stock": 25,
                "description": (
                    "곡우 전에 딴 어린 찻잎을 아홉 번 덖고 비벼 만든 첫물차입니다. 맑고 단맛이 "
                    "돌며, 70도 물에 1분 정도 우리면 좋습니다."
                ),
            },
            {
                "title": "하동 발효차 황차 80g",
                "category": "food",
                "price": 28000,
                "stock": 40,
                "description": (
                    "찻잎을 살짝 발효해 덖은 황차로 구수하고 부드러운 맛이 납니다. 뜨거운 물에 "
                    "우려도 떫지 않아 처음 차를 마시는 분께 권합니다."
                ),
            },
            {
                "title": "녹차 수제 쿠키 10입",
                "category": "food",
                "price": 12000,
                "stock": 1,
                "description": (
                    "마을에서 만든 녹차 가루를 듬뿍 넣어 구운 쌉쌀한 버터 쿠키입니다. 마을 "
                    "부녀회가 주말마다 소량으로 굽습니다."
                ),
            },
            {
                "title": "녹차 천연비누 2입",
                "category": "beauty",
                "price": 11000,
                "stock": 85,
                "description": (
                    "녹차 가루와 녹차 씨 오일을 넣어 만든 저온 숙성 비누 2개입니다. 세안과 샤워에 "
                    "모두 쓸 수 있으며 1개 무게는 약 100g입니다."
                ),
            },
            {
                "title": "녹차 크림 폼 클렌저 150ml",
                "category": "beauty",
                "price": 14000,
                "stock": 70,
                "description": (
                    "녹차 추출물을 넣은 약산성 폼 클렌저로 거품이 쫀쫀하고 세안 후 당김이 "
                    "적습니다. 마을 녹차를 원료로 쓰는 지역 화장품 공방과 함께 만들었습니다."
                ),
            },
            {
                "title": "분청 1인 다기 세트",
                "category": "living",
                "price": 58000,
                "stock": 15,
                "description": (
                    "하동 도예가가 빚은 분청 찻주전자 하나와 찻잔 두 개, 숙우 하나가 한 "
                    "세트입니다. 혼자 또는 둘이 차를 마시기에 알맞은 크기입니다."
                ),
            },
            {
                "title": "녹차 향 캔들 180g",
                "category": "living",
                "price": 19000,
                "stock": 50,
                "description": (
                    "콩 왁스에 녹차와 레몬그라스 향을 더한 캔들로 약 35시간 탑니다. 다 쓴 유리 "
                    "용기는 찻잔으로 다시 쓸 수 있습니다."
                ),
            },
        ],
    },
]
