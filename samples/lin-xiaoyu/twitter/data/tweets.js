window.YTD.tweets.part0 = [
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1863159905647484981"
          ],
          "editableUntil": "2024-12-01T10:55:12.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "120"
      ],
      "favorite_count": "6",
      "id_str": "1863159905647484981",
      "truncated": false,
      "retweet_count": "0",
      "id": "1863159905647484981",
      "created_at": "Sun Dec 01 09:55:12 +0000 2024",
      "favorited": false,
      "full_text": "Took JLPT N1 today, at 32. Guessed the last two reading passages. Pass or fail, I'm calmer about exams than I was at 24.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1845056819823568771"
          ],
          "editableUntil": "2024-10-12T12:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [
          {
            "name": "Tokyo Indie Devs",
            "screen_name": "tokyo_indie",
            "indices": [
              "3",
              "15"
            ],
            "id_str": "369111018",
            "id": "369111018"
          }
        ],
        "urls": []
      },
      "display_text_range": [
        "0",
        "107"
      ],
      "favorite_count": "0",
      "id_str": "1845056819823568771",
      "truncated": false,
      "retweet_count": "1",
      "id": "1845056819823568771",
      "created_at": "Sat Oct 12 11:00:00 +0000 2024",
      "favorited": false,
      "full_text": "RT @tokyo_indie: Reminder: JLPT reading is a speed test more than a vocabulary test. Practise with a timer.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1809469949736476894"
          ],
          "editableUntil": "2024-07-06T07:10:29.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "208"
      ],
      "favorite_count": "33",
      "id_str": "1809469949736476894",
      "truncated": false,
      "retweet_count": "8",
      "id": "1809469949736476894",
      "created_at": "Sat Jul 06 06:10:29 +0000 2024",
      "favorited": false,
      "full_text": "Idea: let an LLM read ten years of my posts and write a personality report — work, fitness, side projects, learning, hobbies, relationships — plus the opinions I stated once and forgot. Local-only, of course.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1779517497932660740"
          ],
          "editableUntil": "2024-04-14T15:30:08.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "226"
      ],
      "favorite_count": "28",
      "id_str": "1779517497932660740",
      "truncated": false,
      "retweet_count": "7",
      "id": "1779517497932660740",
      "created_at": "Sun Apr 14 14:30:08 +0000 2024",
      "favorited": false,
      "full_text": "Exported ten years of my own Weibo posts. I had forgotten so much: I once wanted to open a bookshop, learn the guzheng, never own a cat, never marry. Our platforms remember us better than we do, and they can delete us any day.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1746397394501112954"
          ],
          "editableUntil": "2024-01-14T06:02:40.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "61"
      ],
      "favorite_count": "4",
      "id_str": "1746397394501112954",
      "truncated": false,
      "retweet_count": "0",
      "id": "1746397394501112954",
      "created_at": "Sun Jan 14 05:02:40 +0000 2024",
      "favorited": false,
      "full_text": "Update: a friend suggested pottery. Booked a class. 陶艺 it is.",
      "lang": "en",
      "in_reply_to_status_id_str": "1746364079142035794",
      "in_reply_to_status_id": "1746364079142035794",
      "in_reply_to_user_id": "1370000000000000001",
      "in_reply_to_user_id_str": "1370000000000000001",
      "in_reply_to_screen_name": "linxiaoyu_dev"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1746364079142035794"
          ],
          "editableUntil": "2024-01-14T03:50:17.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "129"
      ],
      "favorite_count": "9",
      "id_str": "1746364079142035794",
      "truncated": false,
      "retweet_count": "0",
      "id": "1746364079142035794",
      "created_at": "Sun Jan 14 02:50:17 +0000 2024",
      "favorited": false,
      "full_text": "Patellar tendinitis after the marathon. No long runs for six months. Looking for a hobby that doesn't involve knees. Suggestions?",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1733829036735844365"
          ],
          "editableUntil": "2023-12-10T13:40:30.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "opensource",
            "indices": [
              "124",
              "135"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/NsSv47pMsX",
            "expanded_url": "https://github.com/linxiaoyu-dev/echo",
            "display_url": "github.com/linxiaoyu-dev/e…",
            "indices": [
              "100",
              "123"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "135"
      ],
      "favorite_count": "75",
      "id_str": "1733829036735844365",
      "truncated": false,
      "retweet_count": "18",
      "id": "1733829036735844365",
      "created_at": "Sun Dec 10 12:40:30 +0000 2023",
      "favorited": false,
      "full_text": "Echo is now open source. An app that keeps people's memories shouldn't keep its own code locked up. https://t.co/NsSv47pMsX #opensource",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1728644935710531475"
          ],
          "editableUntil": "2023-11-26T06:20:44.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "running",
            "indices": [
              "131",
              "139"
            ]
          },
          {
            "text": "marathon",
            "indices": [
              "140",
              "149"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1728644935710531475/photo/1",
            "indices": [
              "150",
              "173"
            ],
            "url": "https://t.co/MUp9XUd9LA",
            "media_url": "http://pbs.twimg.com/media/0000i15j9SyWE30.jpg",
            "media_url_https": "https://pbs.twimg.com/media/0000i15j9SyWE30.jpg",
            "id_str": "1728644851824180210",
            "id": "1728644851824180210",
            "type": "photo",
            "display_url": "pic.twitter.com/7m1VaZryD16"
          }
        ]
      },
      "display_text_range": [
        "0",
        "173"
      ],
      "favorite_count": "66",
      "id_str": "1728644935710531475",
      "truncated": false,
      "retweet_count": "4",
      "id": "1728644935710531475",
      "created_at": "Sun Nov 26 05:20:44 +0000 2023",
      "favorited": false,
      "full_text": "Shanghai Marathon: 4:41:02. Cramped twice after 35 km, crossed the line holding my husband's hand. From 2 km in 2017 to 42.195 km. #running #marathon https://t.co/MUp9XUd9LA",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1728644935710531475/photo/1",
            "indices": [
              "150",
              "173"
            ],
            "url": "https://t.co/MUp9XUd9LA",
            "media_url": "http://pbs.twimg.com/media/0000i15j9SyWE30.jpg",
            "media_url_https": "https://pbs.twimg.com/media/0000i15j9SyWE30.jpg",
            "id_str": "1728644851824180210",
            "id": "1728644851824180210",
            "type": "photo",
            "display_url": "pic.twitter.com/7m1VaZryD16"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1709150045600029678"
          ],
          "editableUntil": "2023-10-03T11:15:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1709150045600029678/photo/1",
            "indices": [
              "141",
              "164"
            ],
            "url": "https://t.co/Vjp8KzHlXh",
            "media_url": "http://pbs.twimg.com/media/00003XMSsAEp65c.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00003XMSsAEp65c.jpg",
            "id_str": "1709149961713787773",
            "id": "1709149961713787773",
            "type": "photo",
            "display_url": "pic.twitter.com/9MhY5U4xXbl"
          }
        ]
      },
      "display_text_range": [
        "0",
        "164"
      ],
      "favorite_count": "210",
      "id_str": "1709150045600029678",
      "truncated": false,
      "retweet_count": "12",
      "id": "1709150045600029678",
      "created_at": "Tue Oct 03 10:15:00 +0000 2023",
      "favorited": false,
      "full_text": "Got married today in Chengdu. My mom, who had cancer surgery three years ago, was there in the qipao she'd practised wearing for six months. https://t.co/Vjp8KzHlXh",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1709150045600029678/photo/1",
            "indices": [
              "141",
              "164"
            ],
            "url": "https://t.co/Vjp8KzHlXh",
            "media_url": "http://pbs.twimg.com/media/00003XMSsAEp65c.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00003XMSsAEp65c.jpg",
            "id_str": "1709149961713787773",
            "id": "1709149961713787773",
            "type": "photo",
            "display_url": "pic.twitter.com/9MhY5U4xXbl"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1634560346815106129"
          ],
          "editableUntil": "2023-03-11T15:22:10.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "170"
      ],
      "favorite_count": "18",
      "id_str": "1634560346815106129",
      "truncated": false,
      "retweet_count": "1",
      "id": "1634560346815106129",
      "created_at": "Sat Mar 11 14:22:10 +0000 2023",
      "favorited": false,
      "full_text": "Wedding idea: project ten years of friends' comments on my Weibo posts as bullet comments (弹幕) before the ceremony. My fiancé calls it \"the most programmer romance ever\".",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1593937266866301931"
          ],
          "editableUntil": "2022-11-19T13:00:33.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "140"
      ],
      "favorite_count": "12",
      "id_str": "1593937266866301931",
      "truncated": false,
      "retweet_count": "2",
      "id": "1593937266866301931",
      "created_at": "Sat Nov 19 12:00:33 +0000 2022",
      "favorited": false,
      "full_text": "Social media isn't a public square (squares empty out) or a diary (diaries don't show you ads). It's a draft of your life. Keep your drafts.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1555909131501527448"
          ],
          "editableUntil": "2022-08-06T14:30:19.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "92"
      ],
      "favorite_count": "30",
      "id_str": "1555909131501527448",
      "truncated": false,
      "retweet_count": "3",
      "id": "1555909131501527448",
      "created_at": "Sat Aug 06 13:30:19 +0000 2022",
      "favorited": false,
      "full_text": "Echo passed 10,000 users. Added Weibo import, and the 1-star reviewer changed it to 5 stars.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1531668323497506277"
          ],
          "editableUntil": "2022-05-31T17:06:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [
          {
            "name": "Shanghai Diary",
            "screen_name": "sh_diary",
            "indices": [
              "3",
              "12"
            ],
            "id_str": "472949285",
            "id": "472949285"
          }
        ],
        "urls": []
      },
      "display_text_range": [
        "0",
        "114"
      ],
      "favorite_count": "0",
      "id_str": "1531668323497506277",
      "truncated": false,
      "retweet_count": "4",
      "id": "1531668323497506277",
      "created_at": "Tue May 31 16:06:00 +0000 2022",
      "favorited": false,
      "full_text": "RT @sh_diary: Midnight. People in pajamas standing downstairs, strangers, masks on, smiling. The lockdown is over.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1515306796579693239"
          ],
          "editableUntil": "2022-04-16T13:31:08.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1515306796579693239/photo/1",
            "indices": [
              "173",
              "196"
            ],
            "url": "https://t.co/FKW1C3fi3H",
            "media_url": "http://pbs.twimg.com/media/0000iytX1Bi9AA7.jpg",
            "media_url_https": "https://pbs.twimg.com/media/0000iytX1Bi9AA7.jpg",
            "id_str": "1515306712694506582",
            "id": "1515306712694506582",
            "type": "photo",
            "display_url": "pic.twitter.com/ekzLoaPYqu2"
          }
        ]
      },
      "display_text_range": [
        "0",
        "196"
      ],
      "favorite_count": "61",
      "id_str": "1515306796579693239",
      "truncated": false,
      "retweet_count": "9",
      "id": "1515306796579693239",
      "created_at": "Sat Apr 16 12:31:08 +0000 2022",
      "favorited": false,
      "full_text": "We ran out of cat food. I asked in the building chat. Within 10 minutes, 3 neighbours left cat food at my door, plus a kid's note: \"for the black cat\". Shanghai, thank you. https://t.co/FKW1C3fi3H",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1515306796579693239/photo/1",
            "indices": [
              "173",
              "196"
            ],
            "url": "https://t.co/FKW1C3fi3H",
            "media_url": "http://pbs.twimg.com/media/0000iytX1Bi9AA7.jpg",
            "media_url_https": "https://pbs.twimg.com/media/0000iytX1Bi9AA7.jpg",
            "id_str": "1515306712694506582",
            "id": "1515306712694506582",
            "type": "photo",
            "display_url": "pic.twitter.com/ekzLoaPYqu2"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1512800184041452621"
          ],
          "editableUntil": "2022-04-09T15:30:45.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "141"
      ],
      "favorite_count": "27",
      "id_str": "1512800184041452621",
      "truncated": false,
      "retweet_count": "6",
      "id": "1512800184041452621",
      "created_at": "Sat Apr 09 14:30:45 +0000 2022",
      "favorited": false,
      "full_text": "Shanghai lockdown, week 2. Woke up at 6am to grab groceries on 7 apps, got nothing. The building's WeChat group-buy chat is our lifeline now.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1472478053791290076"
          ],
          "editableUntil": "2021-12-19T09:05:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [
          {
            "name": "Liang",
            "screen_name": "echo_user_liang",
            "indices": [
              "0",
              "16"
            ],
            "id_str": "682766150",
            "id": "682766150"
          }
        ],
        "urls": []
      },
      "display_text_range": [
        "17",
        "108"
      ],
      "favorite_count": "7",
      "id_str": "1472478053791290076",
      "truncated": false,
      "retweet_count": "0",
      "id": "1472478053791290076",
      "created_at": "Sun Dec 19 08:05:00 +0000 2021",
      "favorited": false,
      "full_text": "@echo_user_liang Weibo import is coming in the next version, promise. Thanks for the honest 1-star review :)",
      "lang": "en",
      "in_reply_to_status_id_str": "1472432755309343396",
      "in_reply_to_status_id": "1472432755309343396",
      "in_reply_to_user_id": "682766150",
      "in_reply_to_user_id_str": "682766150",
      "in_reply_to_screen_name": "echo_user_liang"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1470413239876729529"
          ],
          "editableUntil": "2021-12-13T16:20:10.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "131"
      ],
      "favorite_count": "40",
      "id_str": "1470413239876729529",
      "truncated": false,
      "retweet_count": "5",
      "id": "1470413239876729529",
      "created_at": "Mon Dec 13 15:20:10 +0000 2021",
      "favorited": false,
      "full_text": "Day 1 of Echo: 1,247 downloads. One review said it showed them a voice message from their late grandfather. I've read it ten times.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1469849483475212418"
          ],
          "editableUntil": "2021-12-12T03:00:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "indiedev",
            "indices": [
              "182",
              "191"
            ]
          },
          {
            "text": "buildinpublic",
            "indices": [
              "192",
              "206"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/R1T941nhr6",
            "expanded_url": "https://apps.apple.com/app/echo-on-this-day/id1599999999",
            "display_url": "apps.apple.com/app/echo-on…",
            "indices": [
              "158",
              "181"
            ]
          }
        ],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1469849483475212418/photo/1",
            "indices": [
              "207",
              "230"
            ],
            "url": "https://t.co/qIPqtF55Pv",
            "media_url": "http://pbs.twimg.com/media/00007BFehSI4Hhd.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00007BFehSI4Hhd.jpg",
            "id_str": "1469849399591607056",
            "id": "1469849399591607056",
            "type": "photo",
            "display_url": "pic.twitter.com/kiBLAWiM40D"
          }
        ]
      },
      "display_text_range": [
        "0",
        "230"
      ],
      "favorite_count": "132",
      "id_str": "1469849483475212418",
      "truncated": false,
      "retweet_count": "29",
      "id": "1469849483475212418",
      "created_at": "Sun Dec 12 02:00:00 +0000 2021",
      "favorited": false,
      "full_text": "Echo is live on the App Store! An \"on this day\" app that gives you back your old diaries, posts and photos. Idea from 2015, first commit 2019, shipped today. https://t.co/R1T941nhr6 #indiedev #buildinpublic https://t.co/qIPqtF55Pv",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1469849483475212418/photo/1",
            "indices": [
              "207",
              "230"
            ],
            "url": "https://t.co/qIPqtF55Pv",
            "media_url": "http://pbs.twimg.com/media/00007BFehSI4Hhd.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00007BFehSI4Hhd.jpg",
            "id_str": "1469849399591607056",
            "id": "1469849399591607056",
            "type": "photo",
            "display_url": "pic.twitter.com/kiBLAWiM40D"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1454435529523871157"
          ],
          "editableUntil": "2021-10-30T14:10:27.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "89"
      ],
      "favorite_count": "23",
      "id_str": "1454435529523871157",
      "truncated": false,
      "retweet_count": "4",
      "id": "1454435529523871157",
      "created_at": "Sat Oct 30 13:10:27 +0000 2021",
      "favorited": false,
      "full_text": "I used to think rest was something you earn. Now I think it's something you owe yourself.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1433006964603534934"
          ],
          "editableUntil": "2021-09-01T11:00:59.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "83"
      ],
      "favorite_count": "56",
      "id_str": "1433006964603534934",
      "truncated": false,
      "retweet_count": "3",
      "id": "1433006964603534934",
      "created_at": "Wed Sep 01 10:00:59 +0000 2021",
      "favorited": false,
      "full_text": "Quit my job today. Left the building before sunset for the first time in 4.5 years.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1390146852615870698"
          ],
          "editableUntil": "2021-05-06T04:30:12.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "153"
      ],
      "favorite_count": "19",
      "id_str": "1390146852615870698",
      "truncated": false,
      "retweet_count": "1",
      "id": "1390146852615870698",
      "created_at": "Thu May 06 03:30:12 +0000 2021",
      "favorited": false,
      "full_text": "Had a panic attack in a meeting yesterday. Heart at 140, hands numb, ambulance. Heart is fine; I'm not. Taking a break. Be careful with yourselves, devs.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1325046762438591894"
          ],
          "editableUntil": "2020-11-07T13:05:41.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1325046762438591894/photo/1",
            "indices": [
              "141",
              "164"
            ],
            "url": "https://t.co/fHZzCAaCbs",
            "media_url": "http://pbs.twimg.com/media/00009dz4kbIYY04.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00009dz4kbIYY04.jpg",
            "id_str": "1325046678552961202",
            "id": "1325046678552961202",
            "type": "photo",
            "display_url": "pic.twitter.com/hJkiywUvfPV"
          }
        ]
      },
      "display_text_range": [
        "0",
        "164"
      ],
      "favorite_count": "45",
      "id_str": "1325046762438591894",
      "truncated": false,
      "retweet_count": "6",
      "id": "1325046762438591894",
      "created_at": "Sat Nov 07 12:05:41 +0000 2020",
      "favorited": false,
      "full_text": "Built my mom an app with exactly one giant green button: tap it and it video-calls me. Best code I've written in five years as a programmer. https://t.co/fHZzCAaCbs",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1325046762438591894/photo/1",
            "indices": [
              "141",
              "164"
            ],
            "url": "https://t.co/fHZzCAaCbs",
            "media_url": "http://pbs.twimg.com/media/00009dz4kbIYY04.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00009dz4kbIYY04.jpg",
            "id_str": "1325046678552961202",
            "id": "1325046678552961202",
            "type": "photo",
            "display_url": "pic.twitter.com/hJkiywUvfPV"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1310486538090325317"
          ],
          "editableUntil": "2020-09-28T08:48:33.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "103"
      ],
      "favorite_count": "88",
      "id_str": "1310486538090325317",
      "truncated": false,
      "retweet_count": "4",
      "id": "1310486538090325317",
      "created_at": "Mon Sep 28 07:48:33 +0000 2020",
      "favorited": false,
      "full_text": "Mom's surgery went well. Clean margins, no lymph node spread. I've never been this relieved in my life.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1306881219231607285"
          ],
          "editableUntil": "2020-09-18T10:02:18.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "149"
      ],
      "favorite_count": "31",
      "id_str": "1306881219231607285",
      "truncated": false,
      "retweet_count": "2",
      "id": "1306881219231607285",
      "created_at": "Fri Sep 18 09:02:18 +0000 2020",
      "favorited": false,
      "full_text": "My mom was diagnosed with early-stage breast cancer today. Doctors say the prognosis is good. Flying home to Chengdu. Please be kind to your parents.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1256873631546852588"
          ],
          "editableUntil": "2020-05-03T10:10:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [
          {
            "name": "Go",
            "screen_name": "golang",
            "indices": [
              "3",
              "10"
            ],
            "id_str": "209524005",
            "id": "209524005"
          }
        ],
        "urls": []
      },
      "display_text_range": [
        "0",
        "77"
      ],
      "favorite_count": "0",
      "id_str": "1256873631546852588",
      "truncated": false,
      "retweet_count": "0",
      "id": "1256873631546852588",
      "created_at": "Sun May 03 09:10:00 +0000 2020",
      "favorited": false,
      "full_text": "RT @golang: Go 1.14.2 is released with fixes to the runtime and the compiler.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1229032865002774556"
          ],
          "editableUntil": "2020-02-16T14:20:44.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [
          {
            "name": "Kiki 在东京",
            "screen_name": "kiki_tokyo",
            "indices": [
              "0",
              "11"
            ],
            "id_str": "529603297",
            "id": "529603297"
          }
        ],
        "urls": []
      },
      "display_text_range": [
        "12",
        "89"
      ],
      "favorite_count": "14",
      "id_str": "1229032865002774556",
      "truncated": false,
      "retweet_count": "1",
      "id": "1229032865002774556",
      "created_at": "Sun Feb 16 13:20:44 +0000 2020",
      "favorited": false,
      "full_text": "@kiki_tokyo Got the 50 masks you sent from Tokyo. And the note. Thank you, really. ありがとう。",
      "lang": "en",
      "in_reply_to_status_id_str": "1228987566523109041",
      "in_reply_to_status_id": "1228987566523109041",
      "in_reply_to_user_id": "529603297",
      "in_reply_to_user_id_str": "529603297",
      "in_reply_to_screen_name": "kiki_tokyo"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1220736774962078745"
          ],
          "editableUntil": "2020-01-24T16:55:02.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "126"
      ],
      "favorite_count": "9",
      "id_str": "1220736774962078745",
      "truncated": false,
      "retweet_count": "0",
      "id": "1220736774962078745",
      "created_at": "Fri Jan 24 15:55:02 +0000 2020",
      "favorited": false,
      "full_text": "First Lunar New Year's Eve away from my parents. Video-called dinner: their table full of dishes, my bowl of frozen dumplings.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1193491050134293421"
          ],
          "editableUntil": "2019-11-10T12:30:15.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "running",
            "indices": [
              "72",
              "80"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1193491050134293421/photo/1",
            "indices": [
              "81",
              "104"
            ],
            "url": "https://t.co/kZN6TV7Gog",
            "media_url": "http://pbs.twimg.com/media/0000gRrJxVv9iJ2.jpg",
            "media_url_https": "https://pbs.twimg.com/media/0000gRrJxVv9iJ2.jpg",
            "id_str": "1193490966248135029",
            "id": "1193490966248135029",
            "type": "photo",
            "display_url": "pic.twitter.com/cJW1ETOlR84"
          }
        ]
      },
      "display_text_range": [
        "0",
        "104"
      ],
      "favorite_count": "10",
      "id_str": "1193491050134293421",
      "truncated": false,
      "retweet_count": "1",
      "id": "1193491050134293421",
      "created_at": "Sun Nov 10 11:30:15 +0000 2019",
      "favorited": false,
      "full_text": "Tried GPS art: ran a cat shape in Century Park. It looks like a potato. #running https://t.co/kZN6TV7Gog",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1193491050134293421/photo/1",
            "indices": [
              "81",
              "104"
            ],
            "url": "https://t.co/kZN6TV7Gog",
            "media_url": "http://pbs.twimg.com/media/0000gRrJxVv9iJ2.jpg",
            "media_url_https": "https://pbs.twimg.com/media/0000gRrJxVv9iJ2.jpg",
            "id_str": "1193490966248135029",
            "id": "1193490966248135029",
            "type": "photo",
            "display_url": "pic.twitter.com/cJW1ETOlR84"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1177954534422816074"
          ],
          "editableUntil": "2019-09-28T15:33:41.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": [
          {
            "url": "https://t.co/6yofV5mgxx",
            "expanded_url": "https://github.com/linxiaoyu-dev/weibo-backup",
            "display_url": "github.com/linxiaoyu-dev/w…",
            "indices": [
              "122",
              "145"
            ]
          }
        ]
      },
      "display_text_range": [
        "0",
        "145"
      ],
      "favorite_count": "8",
      "id_str": "1177954534422816074",
      "truncated": false,
      "retweet_count": "1",
      "id": "1177954534422816074",
      "created_at": "Sat Sep 28 14:33:41 +0000 2019",
      "favorited": false,
      "full_text": "Wrote a cron job that backs up my Weibo posts to SQLite every night. Platforms come and go; my words should stay with me. https://t.co/6yofV5mgxx",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1163166811026812040"
          ],
          "editableUntil": "2019-08-18T20:12:33.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [
          {
            "name": "Indie Dev Diary",
            "screen_name": "indiedevdiary",
            "indices": [
              "0",
              "14"
            ],
            "id_str": "27190929",
            "id": "27190929"
          }
        ],
        "urls": []
      },
      "display_text_range": [
        "15",
        "92"
      ],
      "favorite_count": "3",
      "id_str": "1163166811026812040",
      "truncated": false,
      "retweet_count": "0",
      "id": "1163166811026812040",
      "created_at": "Sun Aug 18 19:12:33 +0000 2019",
      "favorited": false,
      "full_text": "@indiedevdiary Exactly where I am with Echo. The schema is done, the boring week starts now.",
      "lang": "en",
      "in_reply_to_status_id_str": "1163121512545204099",
      "in_reply_to_status_id": "1163121512545204099",
      "in_reply_to_user_id": "27190929",
      "in_reply_to_user_id_str": "27190929",
      "in_reply_to_screen_name": "indiedevdiary"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1160201748477772570"
          ],
          "editableUntil": "2019-08-10T15:50:27.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "194"
      ],
      "favorite_count": "12",
      "id_str": "1160201748477772570",
      "truncated": false,
      "retweet_count": "2",
      "id": "1160201748477772570",
      "created_at": "Sat Aug 10 14:50:27 +0000 2019",
      "favorited": false,
      "full_text": "Starting a side project tonight: Echo (回声), an \"on this day\" app that gives you back what you wrote years ago. Wrote this idea on Weibo in 2015. Four years later, writing the first line of code.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1151547120941457255"
          ],
          "editableUntil": "2019-07-17T18:40:03.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "125"
      ],
      "favorite_count": "7",
      "id_str": "1151547120941457255",
      "truncated": false,
      "retweet_count": "1",
      "id": "1151547120941457255",
      "created_at": "Wed Jul 17 17:40:03 +0000 2019",
      "favorited": false,
      "full_text": "996 is back at work. Left the office at 1:30am. No taxi would take the order. Thinking a lot about what I'm trading for what.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1138629490900928980"
          ],
          "editableUntil": "2019-06-12T03:10:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [
          {
            "name": "Indie Dev Diary",
            "screen_name": "indiedevdiary",
            "indices": [
              "3",
              "17"
            ],
            "id_str": "27190929",
            "id": "27190929"
          }
        ],
        "urls": []
      },
      "display_text_range": [
        "0",
        "137"
      ],
      "favorite_count": "0",
      "id_str": "1138629490900928980",
      "truncated": false,
      "retweet_count": "2",
      "id": "1138629490900928980",
      "created_at": "Wed Jun 12 02:10:00 +0000 2019",
      "favorited": false,
      "full_text": "RT @indiedevdiary: Side projects die in the gap between \"this is a great idea\" and \"this is a boring week of CRUD\". Ship the boring week.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1119803151875396998"
          ],
          "editableUntil": "2019-04-21T04:20:51.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "running",
            "indices": [
              "73",
              "81"
            ]
          },
          {
            "text": "marathon",
            "indices": [
              "82",
              "91"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1119803151875396998/photo/1",
            "indices": [
              "92",
              "115"
            ],
            "url": "https://t.co/uPVjQkod0V",
            "media_url": "http://pbs.twimg.com/media/0000iL6nkJ2iVcR.jpg",
            "media_url_https": "https://pbs.twimg.com/media/0000iL6nkJ2iVcR.jpg",
            "id_str": "1119803067990321840",
            "id": "1119803067990321840",
            "type": "photo",
            "display_url": "pic.twitter.com/fA9lVtXuthz"
          }
        ]
      },
      "display_text_range": [
        "0",
        "115"
      ],
      "favorite_count": "42",
      "id_str": "1119803151875396998",
      "truncated": false,
      "retweet_count": "5",
      "id": "1119803151875396998",
      "created_at": "Sun Apr 21 03:20:51 +0000 2019",
      "favorited": false,
      "full_text": "Shanghai Half Marathon done: 2:08:33! Two years ago I couldn't run 2 km. #running #marathon https://t.co/uPVjQkod0V",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1119803151875396998/photo/1",
            "indices": [
              "92",
              "115"
            ],
            "url": "https://t.co/uPVjQkod0V",
            "media_url": "http://pbs.twimg.com/media/0000iL6nkJ2iVcR.jpg",
            "media_url_https": "https://pbs.twimg.com/media/0000iL6nkJ2iVcR.jpg",
            "id_str": "1119803067990321840",
            "id": "1119803067990321840",
            "type": "photo",
            "display_url": "pic.twitter.com/fA9lVtXuthz"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1099315734250043906"
          ],
          "editableUntil": "2019-02-23T15:31:10.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "80"
      ],
      "favorite_count": "4",
      "id_str": "1099315734250043906",
      "truncated": false,
      "retweet_count": "0",
      "id": "1099315734250043906",
      "created_at": "Sat Feb 23 14:31:10 +0000 2019",
      "favorited": false,
      "full_text": "I keep a notebook of app ideas. 47 ideas, 0 shipped. Goal for 2019: make that 1.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1090606593343258144"
          ],
          "editableUntil": "2019-01-30T14:44:09.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "63"
      ],
      "favorite_count": "17",
      "id_str": "1090606593343258144",
      "truncated": false,
      "retweet_count": "2",
      "id": "1090606593343258144",
      "created_at": "Wed Jan 30 13:44:09 +0000 2019",
      "favorited": false,
      "full_text": "Passed JLPT N2! Started with hiragana in 2015. Slow and steady.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1059056413703856019"
          ],
          "editableUntil": "2018-11-04T13:15:00.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "Japanese",
            "indices": [
              "119",
              "128"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1059056413703856019/photo/1",
            "indices": [
              "129",
              "152"
            ],
            "url": "https://t.co/ZOSNc9vh4g",
            "media_url": "http://pbs.twimg.com/media/00009QpQOyn0zer.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00009QpQOyn0zer.jpg",
            "id_str": "1059056329817938930",
            "id": "1059056329817938930",
            "type": "photo",
            "display_url": "pic.twitter.com/8KHcxtwux9l"
          }
        ]
      },
      "display_text_range": [
        "0",
        "152"
      ],
      "favorite_count": "9",
      "id_str": "1059056413703856019",
      "truncated": false,
      "retweet_count": "1",
      "id": "1059056413703856019",
      "created_at": "Sun Nov 04 12:15:00 +0000 2018",
      "favorited": false,
      "full_text": "Kyoto in November. Asked for directions in Japanese and actually understood the answer. Three years of 日本語 paying off. #Japanese https://t.co/ZOSNc9vh4g",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1059056413703856019/photo/1",
            "indices": [
              "129",
              "152"
            ],
            "url": "https://t.co/ZOSNc9vh4g",
            "media_url": "http://pbs.twimg.com/media/00009QpQOyn0zer.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00009QpQOyn0zer.jpg",
            "id_str": "1059056329817938930",
            "id": "1059056329817938930",
            "type": "photo",
            "display_url": "pic.twitter.com/8KHcxtwux9l"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1038704245604575823"
          ],
          "editableUntil": "2018-09-09T09:22:45.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "photography",
            "indices": [
              "91",
              "103"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "103"
      ],
      "favorite_count": "5",
      "id_str": "1038704245604575823",
      "truncated": false,
      "retweet_count": "0",
      "id": "1038704245604575823",
      "created_at": "Sun Sep 09 08:22:45 +0000 2018",
      "favorited": false,
      "full_text": "Bought a used Fujifilm X-T20. First photo: my cat's butt. Street photography tips welcome. #photography",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1020677282200610876"
          ],
          "editableUntil": "2018-07-21T15:30:02.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "130"
      ],
      "favorite_count": "3",
      "id_str": "1020677282200610876",
      "truncated": false,
      "retweet_count": "0",
      "id": "1020677282200610876",
      "created_at": "Sat Jul 21 14:30:02 +0000 2018",
      "favorited": false,
      "full_text": "Rewrote our order service in Go this week. p99 latency went from 480ms to 60ms. Nobody noticed, which is exactly how it should be.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1002868804285874999"
          ],
          "editableUntil": "2018-06-02T12:05:30.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "caturday",
            "indices": [
              "144",
              "153"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1002868804285874999/photo/1",
            "indices": [
              "154",
              "177"
            ],
            "url": "https://t.co/gd3hLzIU6l",
            "media_url": "http://pbs.twimg.com/media/00002WHSUxEUePp.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00002WHSUxEUePp.jpg",
            "id_str": "1002868720399874150",
            "id": "1002868720399874150",
            "type": "photo",
            "display_url": "pic.twitter.com/bRr5Q72gBcf"
          }
        ]
      },
      "display_text_range": [
        "0",
        "177"
      ],
      "favorite_count": "24",
      "id_str": "1002868804285874999",
      "truncated": false,
      "retweet_count": "3",
      "id": "1002868804285874999",
      "created_at": "Sat Jun 02 11:05:30 +0000 2018",
      "favorited": false,
      "full_text": "Found a tiny black kitten next to the trash bins in my compound. Her name is Meiqiu (煤球, \"coal ball\"). I said I'd never own a cat. Here we are. #caturday https://t.co/gd3hLzIU6l",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/1002868804285874999/photo/1",
            "indices": [
              "154",
              "177"
            ],
            "url": "https://t.co/gd3hLzIU6l",
            "media_url": "http://pbs.twimg.com/media/00002WHSUxEUePp.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00002WHSUxEUePp.jpg",
            "id_str": "1002868720399874150",
            "id": "1002868720399874150",
            "type": "photo",
            "display_url": "pic.twitter.com/bRr5Q72gBcf"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "985377218625199554"
          ],
          "editableUntil": "2018-04-15T05:40:11.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [
          {
            "text": "running",
            "indices": [
              "87",
              "95"
            ]
          }
        ],
        "symbols": [],
        "user_mentions": [],
        "urls": [],
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/985377218625199554/photo/1",
            "indices": [
              "96",
              "119"
            ],
            "url": "https://t.co/j6eDIYYnGE",
            "media_url": "http://pbs.twimg.com/media/00009fvuEYuN5Bn.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00009fvuEYuN5Bn.jpg",
            "id_str": "985377134737710008",
            "id": "985377134737710008",
            "type": "photo",
            "display_url": "pic.twitter.com/CTW6TalBma"
          }
        ]
      },
      "display_text_range": [
        "0",
        "119"
      ],
      "favorite_count": "11",
      "id_str": "985377218625199554",
      "truncated": false,
      "retweet_count": "1",
      "id": "985377218625199554",
      "created_at": "Sun Apr 15 04:40:11 +0000 2018",
      "favorited": false,
      "full_text": "Finished my first 10K race in Shanghai: 56:48. Cried at the finish line like an idiot. #running https://t.co/j6eDIYYnGE",
      "lang": "en",
      "extended_entities": {
        "media": [
          {
            "expanded_url": "https://twitter.com/linxiaoyu_dev/status/985377218625199554/photo/1",
            "indices": [
              "96",
              "119"
            ],
            "url": "https://t.co/j6eDIYYnGE",
            "media_url": "http://pbs.twimg.com/media/00009fvuEYuN5Bn.jpg",
            "media_url_https": "https://pbs.twimg.com/media/00009fvuEYuN5Bn.jpg",
            "id_str": "985377134737710008",
            "id": "985377134737710008",
            "type": "photo",
            "display_url": "pic.twitter.com/CTW6TalBma"
          }
        ]
      },
      "possibly_sensitive": false
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "970436893866952301"
          ],
          "editableUntil": "2018-03-05T00:12:40.000Z",
          "editsRemaining": "5",
          "isEditEligible": false
        }
      },
      "retweeted": false,
      "source": "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "119"
      ],
      "favorite_count": "2",
      "id_str": "970436893866952301",
      "truncated": false,
      "retweet_count": "0",
      "id": "970436893866952301",
      "created_at": "Sun Mar 04 23:12:40 +0000 2018",
      "favorited": false,
      "full_text": "Hello Twitter. Backend dev in Shanghai, originally from Chengdu. Go, Python, running, and a black cat I don't have yet.",
      "lang": "en"
    }
  }
]
