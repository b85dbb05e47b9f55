window.YTD.account.part0 = [
  {
    "account": {
      "email": "linxiaoyu.dev@example.com",
      "createdVia": "web",
      "username": "linxiaoyu_dev",
      "accountId": "1370000000000000001",
      "createdAt": "2018-03-04T23:05:12.000Z",
      "accountDisplayName": "林小雨 Lin Xiaoyu"
    }
  }
]
